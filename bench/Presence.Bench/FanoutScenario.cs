using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Presence.Orleans.Bench;

/// <summary>
/// Fan-out: one target user watched by N subscribers, each holding a WebSocket (<c>GET /{org}/{app}/ws</c>, split over
/// <c>--ws-urls</c> when given, e.g. a cluster's gateways); the target changes status over REST (R1) at a fixed rate,
/// and every change carries its sequence number and send time in <c>ext</c>. Measures change-to-delivery latency (R1
/// sent → presence frame received, one clock), events delivered per second, the silo's CPU per delivered event and its
/// memory per open connection. With <c>--broadcast</c> it is the baseline: nobody subscribes, and each change is
/// <c>POST /bench/broadcast</c>, the same frame written to every socket of the server with no grain involved.
/// Skipped while the silo has no real-time endpoint (the WebSocket route answers 404), and when this process or the
/// server may not open that many files.
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

        foreach (var (who, pid, sockets) in new[] { ("this load generator", Environment.ProcessId, subscribers), ("the server", silo.Pid, subscribers / wsUrls.Length) })
        {
            if (SocketFleet.OpenFilesLimit(pid) is { } files && files < sockets + SpareDescriptors)
                return Skip(options, result, $"skipped: {who} may open {files:N0} files, and {sockets:N0} sockets need {sockets + SpareDescriptors:N0} " +
                    "(the hard limit of this machine; `ulimit -Hn`)");
        }
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
        var tracker = new DeliveryTracker(changes + 1, subscribers);
        await silo.CollectGarbageAsync();
        var rssBeforeSockets = silo.ResidentBytes();
        var heapBeforeSockets = await silo.GcHeapBytesAsync();
        silo.ResetPeak();
        await using var fleet = await SocketFleet.OpenAsync(wsUrls, $"resource={Resource}", tokens, Math.Min(concurrency, 64), limit,
            (socket, ct) => ReceiveAsync(socket, target, tracker, ct));
        var connected = fleet.Connected;
        if (connected != subscribers)
            failures.Add($"connected {connected} of {subscribers} ({fleet.Connect.FirstError})");

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
        for (var attempt = 0; attempt < WarmupAttempts && tracker.Count(0) < connected; attempt++)
        {
            await change(0, attempt);
            await tracker.WaitAsync(0, connected, TimeSpan.FromSeconds(2));
        }
        if (tracker.Count(0) < connected)
            failures.Add($"warm-up changes reached {tracker.Count(0)} of {connected} connections");

        // 4. Changes at a fixed rate, each timestamped in ext; then wait for the deliveries to drain.
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
            await tracker.WaitAsync(seq, connected, DrainTimeout);
        var elapsed = Stopwatch.GetElapsedTime(start, Math.Max(tracker.LastDelivery, start + 1));
        result.PeakRssBytes = silo.PeakResidentBytes();
        var metrics = new SortedDictionary<string, double>(StringComparer.Ordinal);
        cpu.Stop(metrics);
        if (counters is not null)
        {
            await counters.StopAsync(metrics);
            await counters.DisposeAsync();
        }

        // 5. What the silo spends with the sockets open and nothing happening (keep-alives, lease renewals, timers), measured
        //    after the drain, so that the CPU per event counts the events only.
        var idle = new CpuMeter(siloPids);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var idleMetrics = new SortedDictionary<string, double>(StringComparer.Ordinal);
        idle.Stop(idleMetrics);
        var idleCores = idleMetrics["cpu_silo_cores"];

        var expected = (long)connected * changes;
        var delivered = tracker.Delivered(1, changes);
        result.Throughput = delivered / elapsed.TotalSeconds;
        result.P50Ms = tracker.Latency.Percentile(50) / 1000;
        result.P99Ms = tracker.Latency.Percentile(99) / 1000;
        metrics["subscribers"] = subscribers;
        metrics["connections"] = connected;
        metrics["servers"] = wsUrls.Length;
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

    private static async Task ReceiveAsync(ClientWebSocket socket, string target, DeliveryTracker tracker, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var lastSeq = -1;
        try
        {
            while (socket.State == WebSocketState.Open && !cancellationToken.IsCancellationRequested)
            {
                var length = 0;
                ValueWebSocketReceiveResult received;
                do
                {
                    received = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
                    length += received.Count;
                }
                while (!received.EndOfMessage && length < buffer.Length);
                if (received.MessageType == WebSocketMessageType.Close)
                    return;
                var now = Stopwatch.GetTimestamp();
                if (TryReadTargetEvent(buffer.AsSpan(0, length), target, out var seq, out var sentAt))
                {
                    // Warm-up changes all carry sequence 0 and count once per connection.
                    if (seq == 0 && lastSeq >= 0)
                        continue;
                    if (seq > 0 && seq <= lastSeq)
                        tracker.MarkOutOfOrder();
                    lastSeq = seq;
                    tracker.Record(seq, Stopwatch.GetElapsedTime(sentAt, now).TotalMicroseconds, now);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // closed
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A <c>presence</c> frame of the target whose ext is "seq:timestamp".</summary>
    private static bool TryReadTargetEvent(ReadOnlySpan<byte> frame, string target, out int seq, out long sentAt)
    {
        seq = 0;
        sentAt = 0;
        var reader = new Utf8JsonReader(frame);
        string? type = null, uid = null, ext = null;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "type" when reader.TokenType == JsonTokenType.String: type = reader.GetString(); break;
                    case "uid" when reader.TokenType == JsonTokenType.String: uid = reader.GetString(); break;
                    case "ext" when reader.TokenType == JsonTokenType.String: ext = reader.GetString(); break;
                    default: reader.Skip(); break;
                }
            }
        }
        catch (JsonException)
        {
            return false;
        }
        if (type != "presence" || uid != target || ext is null)
            return false;
        var colon = ext.IndexOf(':', StringComparison.Ordinal);
        return colon > 0
            && int.TryParse(ext.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out seq)
            && long.TryParse(ext.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out sentAt);
    }

    /// <summary>Deliveries per change, latencies, the last delivery time; thread-safe.</summary>
    private sealed class DeliveryTracker(int sequences, int subscribers)
    {
        private readonly int[] _counts = new int[sequences];
        private readonly TaskCompletionSource[] _complete = [.. Enumerable.Range(0, sequences).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously))];
        private long _lastDelivery;
        private int _outOfOrder;

        public LatencyRecorder Latency { get; } = new();
        public long LastDelivery => Interlocked.Read(ref _lastDelivery);
        public int OutOfOrder => Volatile.Read(ref _outOfOrder);

        public void Record(int seq, double micros, long at)
        {
            if (seq < 0 || seq >= _counts.Length)
                return;
            if (seq > 0)
                Latency.Add(micros);
            long last;
            while ((last = Interlocked.Read(ref _lastDelivery)) < at && Interlocked.CompareExchange(ref _lastDelivery, at, last) != last)
            {
            }
            if (Interlocked.Increment(ref _counts[seq]) >= subscribers)
                _complete[seq].TrySetResult();
        }

        public void MarkOutOfOrder() => Interlocked.Increment(ref _outOfOrder);

        public int Count(int seq) => Volatile.Read(ref _counts[seq]);

        public long Delivered(int from, int to)
        {
            long sum = 0;
            for (var i = from; i <= to; i++)
                sum += Volatile.Read(ref _counts[i]);
            return sum;
        }

        /// <summary>Waits until <paramref name="expected"/> connections saw the change (or the timeout).</summary>
        public async Task<bool> WaitAsync(int seq, int expected, TimeSpan timeout)
        {
            var deadline = Stopwatch.StartNew();
            while (Count(seq) < expected && deadline.Elapsed < timeout)
                await Task.WhenAny(_complete[seq].Task, Task.Delay(50));
            return Count(seq) >= expected;
        }
    }
}
