using System.Collections.Concurrent;
using System.Diagnostics;

namespace Presence.Bench;

/// <summary>Outcome of a bounded batch of calls: counts per HTTP status (0 = transport error), latencies and wall time.</summary>
internal sealed class LoadResult
{
    public ConcurrentDictionary<int, int> Statuses { get; } = new();
    public LatencyRecorder Latency { get; } = new();
    public int Issued;
    public TimeSpan Elapsed { get; set; }
    public bool TimedOut { get; set; }
    public string? FirstError { get; set; }

    /// <summary>Successful calls: 2xx, and 101 for a WebSocket upgrade.</summary>
    public int Ok => Statuses.Where(p => IsSuccess(p.Key)).Sum(p => p.Value);
    public int NotOk => Statuses.Where(p => !IsSuccess(p.Key)).Sum(p => p.Value);
    public double PerSecond => Elapsed.TotalSeconds > 0 ? Ok / Elapsed.TotalSeconds : 0;

    private static bool IsSuccess(int status) => status is 101 or (>= 200 and < 300);

    public string StatusSummary() => string.Join(", ", Statuses.OrderBy(p => p.Key).Select(p => $"{(p.Key == 0 ? "transport error" : p.Key.ToString(System.Globalization.CultureInfo.InvariantCulture))}: {p.Value}"));
}

/// <summary>
/// Runs <c>count</c> calls with a fixed number of workers, stopping early at a time limit (every loop here is
/// bounded in count and in time). Each call returns its HTTP status.
/// </summary>
internal static class LoadDriver
{
    public static async Task<LoadResult> RunAsync(int count, int concurrency, TimeSpan timeLimit, Func<int, CancellationToken, Task<int>> call)
    {
        var result = new LoadResult();
        var next = -1;
        using var deadline = new CancellationTokenSource(timeLimit);
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, Math.Max(1, Math.Min(concurrency, count))).Select(_ => Task.Run(async () =>
        {
            var latencies = new List<double>();
            while (!deadline.IsCancellationRequested)
            {
                var index = Interlocked.Increment(ref next);
                if (index >= count)
                    break;
                Interlocked.Increment(ref result.Issued);
                var started = Stopwatch.GetTimestamp();
                int status;
                try
                {
                    status = await call(index, deadline.Token);
                }
                catch (OperationCanceledException) when (deadline.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
                {
                    result.FirstError ??= ex.Message;
                    status = 0;
                }
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
                result.Statuses.AddOrUpdate(status, 1, static (_, n) => n + 1);
            }
            result.Latency.AddRange(latencies);
        })).ToArray();
        await Task.WhenAll(workers);
        result.Elapsed = clock.Elapsed;
        result.TimedOut = deadline.IsCancellationRequested && Volatile.Read(ref next) < count;
        return result;
    }
}
