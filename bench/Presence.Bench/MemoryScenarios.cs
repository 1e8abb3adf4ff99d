using System.Globalization;

namespace Presence.Bench;

/// <summary>
/// Memory per online user and per subscription: the silo's resident set (and GC heap) is read after a forced
/// full GC, before and after a bulk load through the REST API, and the difference is divided by what was added.
/// </summary>
internal static class MemoryScenarios
{
    private const int TargetsPerCall = 100;
    private const int ExpirySeconds = 86400;

    /// <summary>Users u0..u{N-1} each set one resource online (R1): N activations with state.</summary>
    public static async Task<int> UsersAsync(BenchArgs options)
    {
        var users = options.Int("users");
        var concurrency = options.Int("concurrency", 64);
        using var rest = BenchCommands.Rest(options, concurrency);
        var token = options.Get("token");
        return await MeasureAsync(options, users, "user", "users/s", (silo, limit) =>
            LoadDriver.RunAsync(users, concurrency, limit, (i, ct) =>
                rest.SetStatusAsync(token, $"u{i}", $"android_{i % 1000}", "1", "", ct)));
    }

    /// <summary>
    /// Users u0..u{M-1} (already online) each subscribe (R2) to 100 of the users u{M}..u{N-1}: M×100 subscriptions,
    /// spread so that every target has about M×100/(N−M) subscribers, far below the cap.
    /// </summary>
    public static async Task<int> SubscriptionsAsync(BenchArgs options)
    {
        var users = options.Int("users");
        var subscribers = options.Int("subscribers");
        var targets = users - subscribers;
        if (targets < TargetsPerCall)
            throw new ArgumentException("--users must exceed --subscribers by at least 100.");
        var concurrency = options.Int("concurrency", 16);
        using var rest = BenchCommands.Rest(options, concurrency);
        var token = options.Get("token");
        return await MeasureAsync(options, subscribers * TargetsPerCall, "subscription", "subscriptions/s", async (silo, limit) =>
        {
            var load = await LoadDriver.RunAsync(subscribers, concurrency, limit, (k, ct) =>
            {
                var names = Enumerable.Range(0, TargetsPerCall).Select(j => $"u{subscribers + (((long)k * TargetsPerCall + j) % targets)}");
                return rest.SubscribeAsync(token, $"u{k}", ExpirySeconds, names, ct);
            });
            return load;
        }, itemsPerCall: TargetsPerCall);
    }

    /// <summary>
    /// The reference for <see cref="UsersAsync"/>: N empty Orleans grains (<c>POST /bench/activate</c>, 1,000 per call),
    /// what an activation costs before any state of ours.
    /// </summary>
    public static async Task<int> BareActivationsAsync(BenchArgs options)
    {
        const int PerCall = 1000;
        var activations = options.Int("activations");
        if (activations % PerCall != 0)
            throw new ArgumentException($"--activations must be a multiple of {PerCall}.");
        using var rest = BenchCommands.Rest(options, 4);
        return await MeasureAsync(options, activations, "activation", "activations/s", (silo, limit) =>
            LoadDriver.RunAsync(activations / PerCall, 4, limit, (k, ct) =>
                rest.AdminPostAsync($"/bench/activate?from={(long)k * PerCall}&count={PerCall}", ct)), itemsPerCall: PerCall);
    }

    /// <summary>
    /// N idle WebSockets of users u0..u{N-1} (online already after <see cref="UsersAsync"/>, so the figure is the
    /// connection and its device registration, not a new activation); nothing is sent on them.
    /// </summary>
    public static async Task<int> SocketsAsync(BenchArgs options)
    {
        var count = options.Int("sockets");
        using var rest = BenchCommands.Rest(options, 32);
        var appToken = options.Get("token");
        var tokens = new string[count];
        var issued = await LoadDriver.RunAsync(count, 32, TimeSpan.FromMinutes(5), async (i, ct) =>
        {
            tokens[i] = await rest.UserTokenAsync(appToken, $"u{i}");
            return 200;
        });
        if (issued.Ok != count)
            throw new InvalidOperationException($"tokens: {issued.StatusSummary()} {issued.FirstError}");
        var wsUrl = rest.BaseUrl.Replace("http://", "ws://", StringComparison.Ordinal) + rest.Prefix + "/ws";
        SocketFleet? fleet = null;
        try
        {
            var status = await MeasureAsync(options, count, "socket", "sockets/s", async (silo, limit) =>
            {
                fleet = await SocketFleet.OpenAsync([wsUrl], "resource=idle_1", tokens, 32, limit, DrainAsync);
                return fleet.Connect;
            });
            // --hold N: keep them open a while, to look at the server (dotnet-gcdump) with the sockets in it.
            await Task.Delay(TimeSpan.FromSeconds(options.Int("hold", 0)));
            return status;
        }
        finally
        {
            if (fleet is not null)
                await fleet.DisposeAsync();
        }
    }

    /// <summary>Reads (and ignores) whatever an idle socket receives until it closes.</summary>
    private static async Task DrainAsync(System.Net.WebSockets.ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        try
        {
            while (socket.State == System.Net.WebSockets.WebSocketState.Open)
            {
                if ((await socket.ReceiveAsync(buffer, cancellationToken)).MessageType == System.Net.WebSockets.WebSocketMessageType.Close)
                    return;
            }
        }
        catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private static async Task<int> MeasureAsync(BenchArgs options, int items, string item, string unit,
        Func<SiloProcess, TimeSpan, Task<LoadResult>> load, int itemsPerCall = 1)
    {
        var silo = new SiloProcess(options.Int("pid"));
        // --seed: only load the data (the cluster bench's process is a gateway, whose memory says nothing per user).
        var seedOnly = options.Flag("seed");
        var result = new ScenarioResult { Id = options.Get("id"), Name = options.Get("name"), Kind = seedOnly ? "seed" : "memory", Unit = unit };

        var (rssBefore, heapBefore) = seedOnly ? (0L, (long?)null) : await SettledAsync(silo);
        silo.ResetPeak();
        var counters = RuntimeCounters.TryStart(silo.Pid);
        var cpu = new CpuMeter(silo.Pid);
        var run = await load(silo, TimeSpan.FromSeconds(options.Int("seconds", 600)));
        result.PeakRssBytes = silo.PeakResidentBytes();
        var runtime = new SortedDictionary<string, double>(StringComparer.Ordinal);
        cpu.Stop(runtime);
        if (counters is not null)
        {
            await counters.StopAsync(runtime);
            await counters.DisposeAsync();
        }
        var (rssAfter, heapAfter) = seedOnly ? (0L, (long?)null) : await SettledAsync(silo);

        var added = (long)run.Ok * itemsPerCall;
        result.Throughput = run.Elapsed.TotalSeconds > 0 ? added / run.Elapsed.TotalSeconds : 0;
        result.P50Ms = run.Latency.Percentile(50) / 1000;
        result.P99Ms = run.Latency.Percentile(99) / 1000;
        result.Statuses = BenchCommands.StatusMap(run);
        var rssPer = added > 0 ? (double)(rssAfter - rssBefore) / added : 0;
        double? heapPer = heapBefore is { } hb && heapAfter is { } ha && added > 0 ? (double)(ha - hb) / added : null;
        result.Metrics = new SortedDictionary<string, double>(StringComparer.Ordinal)
        {
            ["items"] = added,
            [$"rss_bytes_per_{item}"] = Math.Round(rssPer, 1),
            ["rss_before_bytes"] = rssBefore,
            ["rss_after_bytes"] = rssAfter,
            ["calls"] = run.Ok,
            ["seconds"] = run.Elapsed.TotalSeconds,
        };
        foreach (var (key, value) in runtime)
            result.Metrics[key] = value;
        if (heapPer is { } hp)
        {
            result.Metrics[$"gc_heap_bytes_per_{item}"] = Math.Round(hp, 1);
            result.Metrics["gc_heap_before_bytes"] = heapBefore!.Value;
            result.Metrics["gc_heap_after_bytes"] = heapAfter!.Value;
        }
        result.Note = seedOnly
            ? $"seeded {added.ToString("N0", CultureInfo.InvariantCulture)} {item}s"
            : $"{Bytes(rssPer)} RSS{(heapPer is { } h ? $" ({Bytes(h)} GC heap)" : "")} per {item}, {added.ToString("N0", CultureInfo.InvariantCulture)} {item}s";
        if (seedOnly)
        {
            result.Metrics.Remove($"rss_bytes_per_{item}");
            result.Metrics.Remove("rss_before_bytes");
            result.Metrics.Remove("rss_after_bytes");
        }
        if (run.NotOk > 0 || run.TimedOut || added != items)
        {
            result.Status = ScenarioResult.Failed;
            result.Note = $"{added:N0} of {items:N0} {item}s added{(run.TimedOut ? " before the time limit" : "")}; statuses: {run.StatusSummary()}{(run.FirstError is { } e ? $"; {e}" : "")}";
        }
        return BenchCommands.Finish(options, result);
    }

    /// <summary>RSS and GC heap after a forced full GC and a moment for the allocator to return pages.</summary>
    private static async Task<(long Rss, long? Heap)> SettledAsync(SiloProcess silo)
    {
        await silo.CollectGarbageAsync();
        await Task.Delay(TimeSpan.FromSeconds(1));
        var heap = await silo.GcHeapBytesAsync();
        return (silo.ResidentBytes(), heap);
    }

    public static string Bytes(double bytes) =>
        Math.Abs(bytes) >= 1024 ? $"{(bytes / 1024).ToString("0.00", CultureInfo.InvariantCulture)} KiB" : $"{bytes.ToString("0", CultureInfo.InvariantCulture)} B";
}
