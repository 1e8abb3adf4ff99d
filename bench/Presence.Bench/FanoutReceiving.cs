using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;

namespace Presence.Bench;

/// <summary>
/// A fan-out watcher's socket as the benchmark reads it: each <c>presence</c> frame of the target carries
/// <c>ext = "seq:timestamp"</c> (the sender's <see cref="Stopwatch"/> timestamp: one monotonic clock for every process
/// of the machine), recorded in a <see cref="DeliveryTracker"/>.
/// </summary>
internal static class FanoutReceiving
{
    public static async Task ReceiveAsync(ClientWebSocket socket, string target, DeliveryTracker tracker, CancellationToken cancellationToken)
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

    /// <summary>A <c>presence</c> frame of the target whose ext is "seq:timestamp"; read without allocating, so that the
    /// receivers' own garbage collections stay out of the latencies they measure.</summary>
    private static bool TryReadTargetEvent(ReadOnlySpan<byte> frame, string target, out int seq, out long sentAt)
    {
        seq = 0;
        sentAt = 0;
        var reader = new Utf8JsonReader(frame);
        bool isPresence = false, isTarget = false, hasExt = false;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                    isPresence = reader.Read() && reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("presence"u8);
                else if (reader.ValueTextEquals("uid"u8))
                    isTarget = reader.Read() && reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(target);
                else if (reader.ValueTextEquals("ext"u8))
                    hasExt = reader.Read() && reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && TryParseExt(reader.ValueSpan, out seq, out sentAt);
                else if (reader.Read())
                    reader.Skip();
            }
        }
        catch (JsonException)
        {
            return false;
        }
        return isPresence && isTarget && hasExt;
    }

    private static bool TryParseExt(ReadOnlySpan<byte> ext, out int seq, out long sentAt)
    {
        sentAt = 0;
        var colon = ext.IndexOf((byte)':');
        return Utf8Parser.TryParse(ext[..Math.Max(colon, 0)], out seq, out var seqLength) && colon > 0 && seqLength == colon
            && Utf8Parser.TryParse(ext[(colon + 1)..], out sentAt, out var atLength) && atLength == ext.Length - colon - 1;
    }
}

/// <summary>Deliveries per change, latencies, the last delivery time; thread-safe.</summary>
internal sealed class DeliveryTracker(int sequences, int subscribers)
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

    /// <summary>Adds another process's tallies (its sockets' deliveries) to these.</summary>
    public void Merge(IReadOnlyList<int> counts, IEnumerable<double> latencies, int outOfOrder, long lastDelivery)
    {
        for (var seq = 0; seq < Math.Min(counts.Count, _counts.Length); seq++)
            Interlocked.Add(ref _counts[seq], counts[seq]);
        Latency.AddRange(latencies);
        Interlocked.Add(ref _outOfOrder, outOfOrder);
        long last;
        while ((last = Interlocked.Read(ref _lastDelivery)) < lastDelivery && Interlocked.CompareExchange(ref _lastDelivery, lastDelivery, last) != last)
        {
        }
    }

    /// <summary>Writes what <see cref="Merge"/> reads (a child process's tallies, for its parent).</summary>
    public void WriteTo(BinaryWriter writer)
    {
        writer.Write(_counts.Length);
        for (var seq = 0; seq < _counts.Length; seq++)
            writer.Write(Volatile.Read(ref _counts[seq]));
        writer.Write(OutOfOrder);
        writer.Write(LastDelivery);
        var latencies = Latency.Values();
        writer.Write(latencies.Count);
        foreach (var micros in latencies)
            writer.Write(micros);
    }

    public void MergeFrom(BinaryReader reader)
    {
        var counts = new int[reader.ReadInt32()];
        for (var i = 0; i < counts.Length; i++)
            counts[i] = reader.ReadInt32();
        var outOfOrder = reader.ReadInt32();
        var lastDelivery = reader.ReadInt64();
        var latencies = new double[reader.ReadInt32()];
        for (var i = 0; i < latencies.Length; i++)
            latencies[i] = reader.ReadDouble();
        Merge(counts, latencies, outOfOrder, lastDelivery);
    }
}
