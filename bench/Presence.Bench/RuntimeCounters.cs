using System.Diagnostics.Tracing;
using System.Globalization;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;

namespace Presence.Bench;

/// <summary>
/// Samples the silo's System.Runtime counters (what dotnet-counters shows) once a second over EventPipe while a
/// scenario runs: CPU, GC counts and pause time, allocation rate, thread pool. They say what bounds a result.
/// </summary>
internal sealed class RuntimeCounters : IAsyncDisposable
{
    private static readonly string[] Sums = ["gen-0-gc-count", "gen-1-gc-count", "gen-2-gc-count", "alloc-rate", "exception-count", "threadpool-completed-items-count", "monitor-lock-contention-count"];
    private static readonly string[] Means = ["cpu-usage", "time-in-gc", "threadpool-queue-length", "threadpool-thread-count", "gc-heap-size", "working-set"];
    private const string PauseCounter = "total-pause-time-by-gc";

    private readonly EventPipeSession _session;
    private readonly EventPipeEventSource _source;
    private readonly Task _processing;
    private readonly Dictionary<string, List<double>> _samples = new(StringComparer.Ordinal);
    private readonly object _lock = new();

    private RuntimeCounters(int pid)
    {
        var client = new DiagnosticsClient(pid);
        var arguments = new Dictionary<string, string> { ["EventCounterIntervalSec"] = "1" };
        _session = client.StartEventPipeSession([new EventPipeProvider("System.Runtime", EventLevel.Informational, (long)EventKeywords.All, arguments)], requestRundown: false);
        _source = new EventPipeEventSource(_session.EventStream);
        _source.Dynamic.All += OnEvent;
        _processing = Task.Run(_source.Process);
    }

    /// <summary>Starts sampling; null (and a note on stderr) if the diagnostics port cannot be reached.</summary>
    public static RuntimeCounters? TryStart(int pid)
    {
        try
        {
            return new RuntimeCounters(pid);
        }
        catch (Exception ex) when (ex is ServerNotAvailableException or UnsupportedCommandException or IOException or TimeoutException)
        {
            Console.Error.WriteLine($"  (runtime counters unavailable: {ex.Message})");
            return null;
        }
    }

    private void OnEvent(TraceEvent data)
    {
        if (data.EventName != "EventCounters" || data.PayloadValue(0) is not IDictionary<string, object> outer
            || !outer.TryGetValue("Payload", out var inner) || inner is not IDictionary<string, object> payload
            || !payload.TryGetValue("Name", out var nameValue) || nameValue is not string name)
            return;
        var value = payload.TryGetValue("Increment", out var increment) ? increment : payload.TryGetValue("Mean", out var mean) ? mean : null;
        if (value is null)
            return;
        lock (_lock)
        {
            if (!_samples.TryGetValue(name, out var list))
                _samples[name] = list = [];
            list.Add(Convert.ToDouble(value, CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Stops sampling and adds the figures to <paramref name="metrics"/> (prefixed <c>rt_</c>).</summary>
    public async Task StopAsync(SortedDictionary<string, double> metrics)
    {
        await _session.StopAsync(CancellationToken.None);
        await Task.WhenAny(_processing, Task.Delay(TimeSpan.FromSeconds(10)));
        lock (_lock)
        {
            foreach (var name in Sums)
            {
                if (_samples.TryGetValue(name, out var list))
                    metrics[$"rt_{Key(name)}"] = Math.Round(list.Sum(), 1);
            }
            foreach (var name in Means)
            {
                if (_samples.TryGetValue(name, out var list) && list.Count > 0)
                {
                    metrics[$"rt_{Key(name)}_mean"] = Math.Round(list.Average(), 2);
                    metrics[$"rt_{Key(name)}_max"] = Math.Round(list.Max(), 2);
                }
            }
            // An incrementing counter: milliseconds paused in each 1 s interval.
            if (_samples.TryGetValue(PauseCounter, out var pauses) && pauses.Count > 0)
            {
                metrics["rt_gc_pause_ms"] = Math.Round(pauses.Sum(), 1);
                metrics["rt_gc_pause_percent"] = Math.Round(pauses.Sum() / 10 / pauses.Count, 2);
                metrics["rt_gc_pause_ms_max_per_second"] = Math.Round(pauses.Max(), 1);
            }
        }
    }

    private static string Key(string counter) => counter.Replace('-', '_');

    public async ValueTask DisposeAsync()
    {
        _source.Dispose();
        _session.Dispose();
        await Task.CompletedTask;
    }
}
