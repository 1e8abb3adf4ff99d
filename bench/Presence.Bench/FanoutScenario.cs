using System.Diagnostics;
using System.Globalization;

namespace Presence.Bench;

/// <summary>
/// Fan-out: one target user watched by N subscribers, each holding a WebSocket (<c>GET /{org}/{app}/ws</c>, split over
/// <c>--ws-urls</c> when given, e.g. a cluster's gateways); the target changes status over REST (R1) at a fixed rate,
/// and every change carries its sequence number and send time in <c>ext</c>. Measures change-to-delivery latency (R1
/// sent → presence frame received, one clock), events delivered per second, the silo's CPU per delivered event and its
/// memory per open connection. With <c>--broadcast</c> it is the baseline: nobody subscribes, and each change is
/// <c>POST /bench/broadcast</c>, the same frame written to every socket of the server with no grain involved.
/// Skipped while the silo has no real-time endpoint (the WebSocket route answers 404), and when a server may not open
/// files for its share of the sockets; past this process's own limit the sockets go to child processes
/// (<see cref="ChildFanoutReceivers"/>).
/// </summary>
internal static class FanoutScenario
{
    private const int ExpirySeconds = 86400;
    private const string Resource = "bench_1";
    private const int WarmupAttempts = 10;
    private const int SpareDescriptors = 1000;
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(15);

    public static async Task<int> RunAsync(BenchArgs options)
    {
        var result = new ScenarioResult { Id = options.Get("id"), Name = options.Get("name"), Kind = "fanout", Unit = "events/s" };
        var subscribers = options.Int("subscribers");
        var changes = options.Int("changes", 20);
        var rate = options.Double("rate", 2);
        var concurrency = options.Int("concurrency", 32);
        var broadcast = options.Flag("broadcast");
        var appToken = options.Get("token");
        var silo = new SiloProcess(options.Int("pid"));
        using var rest = BenchCommands.Rest(options, concurrency);
        var limit = TimeSpan.FromSeconds(options.Int("seconds", 300));
        // The processes whose CPU is "silo CPU": the server under load, or a cluster's silos (--silo-pids), whose
        // grains do the fan-out while gateways write the sockets.
        var siloPids = options.Get("silo-pids", silo.Pid.ToString(CultureInfo.InvariantCulture)).Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        var wsUrls = options.Get("ws-urls", rest.BaseUrl).Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(u => u.TrimEnd('/').Replace("http://", "ws://", StringComparison.Ordinal) + rest.Prefix + "/ws").ToArray();

        // Each server holds its share of the sockets; past what this process may open, child processes hold them.
        var perServer = (subscribers + wsUrls.Length - 1) / wsUrls.Length;
        if (SocketFleet.OpenFilesLimit(silo.Pid) is { } serverFiles && serverFiles < perServer + SpareDescriptors)
            return Skip(options, result, $"skipped: the server may open {serverFiles:N0} files, and {perServer:N0} sockets need " +
                $"{perServer + SpareDescriptors:N0} (this machine's hard limit, `ulimit -Hn`): run it over more gateways");
        var perProcess = options.Int("sockets-per-process",
            (int)Math.Min(int.MaxValue, (SocketFleet.OpenFilesLimit(Environment.ProcessId) ?? long.MaxValue) - SpareDescriptors));
        var receiverProcesses = subscribers <= perProcess ? 1 : (subscribers + perProcess - 1) / perProcess;
        var probeToken = await rest.UserTokenAsync(appToken, "fanprobe");
        var (probe, _) = await rest.GetAsync($"{rest.Prefix}/ws?resource=probe", probeToken, CancellationToken.None);
        if (probe == 404)
            return Skip(options, result, "skipped: real-time endpoint not available");

        var run = $"f{subscribers}x{Environment.ProcessId % 10000}";
        var target = $"{run}-target";
        var names = Enumerable.Range(0, subscribers).Select(i => $"{run}-s{i}").ToArray();
        var failures = new List<string>();

        // 1. Subscriptions over REST (R2) unless broadcasting, tokens over POST /token (inherit).
        if (!broadcast)
        {
            var subscribe = await LoadDriver.RunAsync(subscribers, concurrency, limit, (i, ct) => rest.SubscribeAsync(appToken, names[i], ExpirySeconds, [target], ct));
            if (subscribe.NotOk > 0 || subscribe.Ok != subscribers)
                return Fail(options, result, $"subscribing: {subscribe.StatusSummary()}");
        }
        var tokens = new string[subscribers];
        var tokenLoad = await LoadDriver.RunAsync(subscribers, concurrency, limit, async (i, ct) =>
        {
            tokens[i] = await rest.UserTokenAsync(appToken, names[i]);
            return 200;
        });
        if (tokenLoad.Ok != subscribers)
            return Fail(options, result, $"tokens: {tokenLoad.StatusSummary()} {tokenLoad.FirstError}");

        // 2. N WebSockets; each one's receive loop records the target's events.
        await silo.CollectGarbageAsync();
        var rssBeforeSockets = silo.ResidentBytes();
        var heapBeforeSockets = await silo.GcHeapBytesAsync();
        silo.ResetPeak();
        var query = $"resource={Resource}";
        await using var receivers = receiverProcesses == 1
            ? await LocalFanoutReceivers.OpenAsync(wsUrls, query, tokens, target, changes + 1, limit)
            : await ChildFanoutReceivers.OpenAsync(wsUrls, query, tokens, target, changes + 1, receiverProcesses, limit);
        var connected = receivers.Connected;
        if (connected != subscribers)
            failures.Add($"connected {connected} of {subscribers} ({receivers.FirstError})");

        await silo.CollectGarbageAsync();
        var rssWithSockets = silo.ResidentBytes();
        var heapWithSockets = await silo.GcHeapBytesAsync();
        Func<int, int, Task> change = broadcast
            ? (seq, _) => BroadcastAsync(rest, target, seq, failures)
            : (seq, warmup) => ChangeAsync(rest, appToken, target, seq, failures, warmup);

        // 3. A warm-up change (sequence 0): every connected subscriber must see it before measuring, which also
        //    proves that the target knows them all as connected watchers.
        //    Connections reach the target one way (asynchronously), so repeat the warm-up a few times.
        var clock = Stopwatch.StartNew();
        for (var attempt = 0; attempt < WarmupAttempts && receivers.Count(0) < connected; attempt++)
        {
            await change(0, attempt);
            await receivers.WaitAsync(0, connected, TimeSpan.FromSeconds(2));
        }
        if (receivers.Count(0) < connected)
            failures.Add($"warm-up changes reached {receivers.Count(0)} of {connected} connections");

        // 4. What the silo spends with the sockets open and nothing happening (keep-alives, lease renewals, timers),
        //    before the changes and after them (the least of the two), so that the CPU per event counts the events only.
        var idleBefore = await IdleSiloCoresAsync(siloPids);

        // 5. Changes at a fixed rate, each timestamped in ext; then wait for the deliveries to drain.
        var counters = RuntimeCounters.TryStart(silo.Pid);
        var cpu = new CpuMeter(siloPids);
        var interval = TimeSpan.FromSeconds(1 / rate);
        var acknowledged = new LatencyRecorder(); // each change's own request: part of every delivery's latency
        var start = Stopwatch.GetTimestamp();
        for (var seq = 1; seq <= changes; seq++)
        {
            var due = start + (long)((seq - 1) * interval.TotalSeconds * Stopwatch.Frequency);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.Zero)
                await Task.Delay(wait);
            var sent = Stopwatch.GetTimestamp();
            await change(seq, 0);
            acknowledged.Add(Stopwatch.GetElapsedTime(sent).TotalMicroseconds);
        }
        for (var seq = 1; seq <= changes; seq++)
            await receivers.WaitAsync(seq, connected, DrainTimeout);
        result.PeakRssBytes = silo.PeakResidentBytes();
        var metrics = new SortedDictionary<string, double>(StringComparer.Ordinal);
        cpu.Stop(metrics);
        if (counters is not null)
        {
            await counters.StopAsync(metrics);
            await counters.DisposeAsync();
        }
        var idleCores = Math.Min(idleBefore, await IdleSiloCoresAsync(siloPids));
        var tracker = await receivers.CollectAsync();
        var elapsed = Stopwatch.GetElapsedTime(start, Math.Max(tracker.LastDelivery, start + 1));

        var expected = (long)connected * changes;
        var delivered = tracker.Delivered(1, changes);
        result.Throughput = delivered / elapsed.TotalSeconds;
        result.P50Ms = tracker.Latency.Percentile(50) / 1000;
        result.P99Ms = tracker.Latency.Percentile(99) / 1000;
        metrics["subscribers"] = subscribers;
        metrics["connections"] = connected;
        metrics["servers"] = wsUrls.Length;
        metrics["receiver_processes"] = receiverProcesses;
        metrics["silo_processes"] = siloPids.Length;
        metrics["changes"] = changes;
        metrics["change_rate_per_s"] = rate;
        metrics["events_expected"] = expected;
        metrics["events_delivered"] = delivered;
        metrics["events_out_of_order"] = tracker.OutOfOrder;
        metrics["seconds"] = elapsed.TotalSeconds;
        metrics["max_ms"] = tracker.Latency.Percentile(100) / 1000;
        metrics["change_request_p50_ms"] = Math.Round(acknowledged.Percentile(50) / 1000, 2);
        metrics["change_request_max_ms"] = Math.Round(acknowledged.Percentile(100) / 1000, 2);
        metrics["cpu_silo_idle_cores"] = idleCores;
        if (delivered > 0)
        {
            var eventSeconds = Math.Max(0, metrics["cpu_silo_seconds"] - idleCores * metrics["cpu_window_seconds"]);
            metrics["silo_cpu_us_per_event"] = Math.Round(eventSeconds * 1e6 / delivered, 2);
            metrics["silo_cpu_us_per_event_gross"] = Math.Round(metrics["cpu_silo_seconds"] * 1e6 / delivered, 2);
        }
        metrics["rss_bytes_per_connection"] = connected > 0 ? Math.Round((double)(rssWithSockets - rssBeforeSockets) / connected) : 0;
        if (heapBeforeSockets is { } hb && heapWithSockets is { } hw && connected > 0)
            metrics["gc_heap_bytes_per_connection"] = Math.Round((double)(hw - hb) / connected);
        metrics["setup_seconds"] = clock.Elapsed.TotalSeconds;
        result.Metrics = metrics;
        result.Note = $"{delivered:N0} of {expected:N0} events ({connected:N0} sockets{(wsUrls.Length > 1 ? $" over {wsUrls.Length} servers" : "")} × {changes} changes at {rate.ToString("0.#", CultureInfo.InvariantCulture)}/s); " +
            $"{(metrics.TryGetValue("silo_cpu_us_per_event", out var perEvent) ? $"{perEvent:0.0} µs silo CPU per event (beyond {idleCores:0.00} cores idle); " : "")}" +
            $"{(metrics.TryGetValue("gc_heap_bytes_per_connection", out var heapPer) ? $"{MemoryScenarios.Bytes(heapPer)} GC heap, " : "")}" +
            $"{MemoryScenarios.Bytes(metrics["rss_bytes_per_connection"])} RSS per connection";
        if (delivered < expected)
            failures.Add($"{expected - delivered:N0} events not delivered within {DrainTimeout.TotalSeconds:0} s");
        if (tracker.OutOfOrder > 0)
            failures.Add($"{tracker.OutOfOrder} events out of order");

        if (failures.Count > 0)
            return Fail(options, result, string.Join("; ", failures));
        return BenchCommands.Finish(options, result);
    }

    private static async Task<double> IdleSiloCoresAsync(int[] siloPids)
    {
        var idle = new CpuMeter(siloPids);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var metrics = new SortedDictionary<string, double>(StringComparer.Ordinal);
        idle.Stop(metrics);
        return metrics["cpu_silo_cores"];
    }

    private static int Skip(BenchArgs options, ScenarioResult result, string why)
    {
        result.Status = ScenarioResult.Skipped;
        result.Note = why;
        return BenchCommands.Finish(options, result);
    }

    /// <summary>The baseline's change: the same ext, written by the server to every socket it holds.</summary>
    private static async Task BroadcastAsync(PresenceRest rest, string target, int seq, List<string> failures)
    {
        var ext = $"{seq.ToString(CultureInfo.InvariantCulture)}:{Stopwatch.GetTimestamp().ToString(CultureInfo.InvariantCulture)}";
        var status = await rest.AdminPostAsync($"/bench/broadcast?uid={target}&ext={Uri.EscapeDataString(ext)}", CancellationToken.None);
        if (status is < 200 or >= 300)
            failures.Add($"POST /bench/broadcast answered {status} (is Presence:Bench:Enabled set?)");
    }

    private static int Fail(BenchArgs options, ScenarioResult result, string why)
    {
        result.Status = ScenarioResult.Failed;
        result.Note = why;
        return BenchCommands.Finish(options, result);
    }

    /// <summary>R1 on the target: status alternates so that every change is one, ext = "seq:timestamp".</summary>
    private static async Task ChangeAsync(PresenceRest rest, string appToken, string target, int seq, List<string> failures, int warmup = 0)
    {
        var ext = $"{seq.ToString(CultureInfo.InvariantCulture)}:{Stopwatch.GetTimestamp().ToString(CultureInfo.InvariantCulture)}";
        var status = await rest.SetStatusAsync(appToken, target, Resource, (seq + warmup) % 2 == 0 ? "1" : "busy", ext, CancellationToken.None);
        if (status is < 200 or >= 300)
            failures.Add($"R1 on the target answered {status}");
    }
}
