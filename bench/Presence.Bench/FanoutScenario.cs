using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Presence.Orleans.Bench;

/// <summary>
/// Fan-out: one target user watched by N subscribers, each holding a WebSocket (<c>GET /{org}/{app}/ws</c>); the
/// target changes status over REST (R1) at a fixed rate, and every change carries its sequence number and send
/// time in <c>ext</c>. Measures change-to-delivery latency (R1 sent → presence frame received, one clock) and
/// events delivered per second, and the silo's memory per open connection. Skipped while the silo has no
/// real-time endpoint (the WebSocket route answers 404).
/// </summary>
internal static class FanoutScenario
{
    private const int ExpirySeconds = 86400;
    private const string Resource = "bench_1";
    private const int WarmupAttempts = 10;
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(15);

    public static async Task<int> RunAsync(BenchArgs options)
    {
        var result = new ScenarioResult { Id = options.Get("id"), Name = options.Get("name"), Kind = "fanout", Unit = "events/s" };
        var subscribers = options.Int("subscribers");
        var changes = options.Int("changes", 20);
        var rate = options.Double("rate", 2);
        var concurrency = options.Int("concurrency", 32);
        var appToken = options.Get("token");
        var silo = new SiloProcess(options.Int("pid"));
        using var rest = BenchCommands.Rest(options, concurrency);
        var limit = TimeSpan.FromSeconds(options.Int("seconds", 300));

        var probeToken = await rest.UserTokenAsync(appToken, "fanprobe");
        var (probe, _) = await rest.GetAsync($"{rest.Prefix}/ws?resource=probe", probeToken, CancellationToken.None);
        if (probe == 404)
        {
            result.Status = ScenarioResult.Skipped;
            result.Note = "skipped: real-time endpoint not available";
            return BenchCommands.Finish(options, result);
        }

        var run = $"f{subscribers}x{Environment.ProcessId % 10000}";
        var target = $"{run}-target";
        var names = Enumerable.Range(0, subscribers).Select(i => $"{run}-s{i}").ToArray();
        var failures = new List<string>();

        // 1. Subscriptions over REST (R2), tokens over POST /token (inherit).
        var subscribe = await LoadDriver.RunAsync(subscribers, concurrency, limit, (i, ct) => rest.SubscribeAsync(appToken, names[i], ExpirySeconds, [target], ct));
        if (subscribe.NotOk > 0 || subscribe.Ok != subscribers)
            return Fail(options, result, $"subscribing: {subscribe.StatusSummary()}");
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
        var wsBase = rest.BaseUrl.Replace("http://", "ws://", StringComparison.Ordinal) + rest.Prefix + "/ws?resource=" + Resource;
        await silo.CollectGarbageAsync();
        var rssBeforeSockets = silo.ResidentBytes();
        var heapBeforeSockets = await silo.GcHeapBytesAsync();
        silo.ResetPeak();
        var sockets = new ClientWebSocket?[subscribers];
        var receivers = new Task[subscribers];
        using var stop = new CancellationTokenSource();
        var connect = await LoadDriver.RunAsync(subscribers, Math.Min(concurrency, 64), limit, async (i, ct) =>
        {
            var socket = new ClientWebSocket();
            socket.Options.SetRequestHeader("Authorization", $"Bearer {tokens[i]}");
            socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(30);
            try
            {
                await socket.ConnectAsync(new Uri(wsBase), ct);
            }
            catch (WebSocketException)
            {
                socket.Dispose();
                return 0;
            }
            sockets[i] = socket;
            receivers[i] = ReceiveAsync(socket, target, tracker, stop.Token);
            return 101;
        });
        if (connect.Ok + (connect.Statuses.GetValueOrDefault(101)) != subscribers)
        {
            failures.Add($"connected {connect.Statuses.GetValueOrDefault(101)} of {subscribers} ({connect.FirstError})");
        }
        var connected = connect.Statuses.GetValueOrDefault(101);
        try
        {
            await silo.CollectGarbageAsync();
            var rssWithSockets = silo.ResidentBytes();
            var heapWithSockets = await silo.GcHeapBytesAsync();

            // 3. A warm-up change (sequence 0): every connected subscriber must see it before measuring, which also
            //    proves that the target knows them all as connected watchers.
            //    Connections reach the target one way (asynchronously), so repeat the warm-up a few times.
            var clock = Stopwatch.StartNew();
            for (var attempt = 0; attempt < WarmupAttempts && tracker.Count(0) < connected; attempt++)
            {
                await ChangeAsync(rest, appToken, target, 0, failures, warmup: attempt);
                await tracker.WaitAsync(0, connected, TimeSpan.FromSeconds(2));
            }
            if (tracker.Count(0) < connected)
                failures.Add($"warm-up changes reached {tracker.Count(0)} of {connected} connections");

            // 4. Changes at a fixed rate, each timestamped in ext; then wait for the deliveries to drain.
            var counters = RuntimeCounters.TryStart(silo.Pid);
            var cpu = new CpuMeter(silo.Pid);
            var interval = TimeSpan.FromSeconds(1 / rate);
            var start = Stopwatch.GetTimestamp();
            for (var seq = 1; seq <= changes; seq++)
            {
                var due = start + (long)((seq - 1) * interval.TotalSeconds * Stopwatch.Frequency);
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                if (wait > TimeSpan.Zero)
                    await Task.Delay(wait);
                await ChangeAsync(rest, appToken, target, seq, failures);
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

            var expected = (long)connected * changes;
            var delivered = tracker.Delivered(1, changes);
            result.Throughput = delivered / elapsed.TotalSeconds;
            result.P50Ms = tracker.Latency.Percentile(50) / 1000;
            result.P99Ms = tracker.Latency.Percentile(99) / 1000;
            metrics["subscribers"] = subscribers;
            metrics["connections"] = connected;
            metrics["changes"] = changes;
            metrics["change_rate_per_s"] = rate;
            metrics["events_expected"] = expected;
            metrics["events_delivered"] = delivered;
            metrics["events_out_of_order"] = tracker.OutOfOrder;
            metrics["seconds"] = elapsed.TotalSeconds;
            metrics["max_ms"] = tracker.Latency.Percentile(100) / 1000;
            metrics["rss_bytes_per_connection"] = connected > 0 ? Math.Round((double)(rssWithSockets - rssBeforeSockets) / connected) : 0;
            if (heapBeforeSockets is { } hb && heapWithSockets is { } hw && connected > 0)
                metrics["gc_heap_bytes_per_connection"] = Math.Round((double)(hw - hb) / connected);
            metrics["setup_seconds"] = clock.Elapsed.TotalSeconds;
            result.Metrics = metrics;
            result.Note = $"{delivered:N0} of {expected:N0} events ({connected:N0} sockets × {changes} changes at {rate.ToString("0.#", CultureInfo.InvariantCulture)}/s); " +
                $"{(metrics.TryGetValue("gc_heap_bytes_per_connection", out var heapPer) ? $"{MemoryScenarios.Bytes(heapPer)} GC heap, " : "")}" +
                $"{MemoryScenarios.Bytes(metrics["rss_bytes_per_connection"])} RSS per connection";
            if (delivered < expected)
                failures.Add($"{expected - delivered:N0} events not delivered within {DrainTimeout.TotalSeconds:0} s");
            if (tracker.OutOfOrder > 0)
                failures.Add($"{tracker.OutOfOrder} events out of order");
        }
        finally
        {
            await CloseAllAsync(sockets, receivers, stop);
        }

        if (failures.Count > 0)
            return Fail(options, result, string.Join("; ", failures));
        return BenchCommands.Finish(options, result);
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

    private static async Task CloseAllAsync(ClientWebSocket?[] sockets, Task[] receivers, CancellationTokenSource stop)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var open = sockets.Where(s => s is not null).Select(s => s!).ToArray();
        var next = -1;
        var closers = Enumerable.Range(0, 64).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= open.Length)
                    return;
                try
                {
                    if (open[i].State == WebSocketState.Open)
                        await open[i].CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bench done", deadline.Token);
                }
                catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
                {
                }
            }
        }));
        await Task.WhenAll(closers);
        await Task.WhenAny(Task.WhenAll(receivers.Where(r => r is not null)), Task.Delay(TimeSpan.FromSeconds(10)));
        stop.Cancel();
        foreach (var socket in open)
            socket.Dispose();
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
