using System.Diagnostics.Tracing;
using System.Globalization;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;

namespace Presence.Bench;

/// <summary>
/// What the benchmarks read off the silo process: resident memory from <c>/proc/&lt;pid&gt;/status</c>, and through
/// the runtime's diagnostics port (EventPipe, the channel dotnet-counters and dotnet-gcdump use) a forced full
/// GC and the GC heap size, so memory figures compare live data rather than garbage that happens to be uncollected.
/// </summary>
internal sealed class SiloProcess(int pid)
{
    private const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";
    private const long GcKeyword = 0x1;
    private const long GcHeapCollectKeyword = 0x800000;
    private static readonly TimeSpan CounterTimeout = TimeSpan.FromSeconds(10);

    public int Pid { get; } = pid;

    /// <summary>Current resident set (VmRSS), in bytes.</summary>
    public long ResidentBytes() => ReadStatusKiB("VmRSS:") * 1024;

    /// <summary>Peak resident set since start or since <see cref="ResetPeak"/> (VmHWM), in bytes.</summary>
    public long PeakResidentBytes() => ReadStatusKiB("VmHWM:") * 1024;

    /// <summary>Resets VmHWM to the current RSS (<c>echo 5 &gt; /proc/pid/clear_refs</c>); false where not permitted.</summary>
    public bool ResetPeak()
    {
        try
        {
            File.WriteAllText($"/proc/{Pid}/clear_refs", "5");
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// Makes the silo run a blocking full GC: enabling the runtime provider with the GCHeapCollect keyword does that
    /// (it is how dotnet-gcdump starts). Returns once the GC has ended, or after a timeout.
    /// </summary>
    public async Task CollectGarbageAsync()
    {
        var client = new DiagnosticsClient(Pid);
        var providers = new[] { new EventPipeProvider(RuntimeProvider, EventLevel.Informational, GcKeyword | GcHeapCollectKeyword) };
        using var session = client.StartEventPipeSession(providers, requestRundown: false);
        using var source = new EventPipeEventSource(session.EventStream);
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        source.Clr.GCStop += _ => ended.TrySetResult();
        var processing = Task.Run(source.Process);
        await Task.WhenAny(ended.Task, Task.Delay(CounterTimeout));
        await session.StopAsync(CancellationToken.None);
        await Task.WhenAny(processing, Task.Delay(CounterTimeout));
    }

    /// <summary>The runtime's <c>gc-heap-size</c> counter (System.Runtime EventCounters), in bytes; null if it did not arrive.</summary>
    public async Task<long?> GcHeapBytesAsync()
    {
        var client = new DiagnosticsClient(Pid);
        var arguments = new Dictionary<string, string> { ["EventCounterIntervalSec"] = "1" };
        var providers = new[] { new EventPipeProvider("System.Runtime", EventLevel.Informational, (long)EventKeywords.All, arguments) };
        using var session = client.StartEventPipeSession(providers, requestRundown: false);
        using var source = new EventPipeEventSource(session.EventStream);
        var heap = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        source.Dynamic.All += data =>
        {
            if (data.EventName != "EventCounters" || data.PayloadValue(0) is not IDictionary<string, object> outer
                || outer.TryGetValue("Payload", out var inner) is false || inner is not IDictionary<string, object> payload)
                return;
            if (payload.TryGetValue("Name", out var name) && name as string == "gc-heap-size" && payload.TryGetValue("Mean", out var mean))
                heap.TrySetResult((long)(Convert.ToDouble(mean, CultureInfo.InvariantCulture) * 1024 * 1024));
        };
        var processing = Task.Run(source.Process);
        var first = await Task.WhenAny(heap.Task, Task.Delay(CounterTimeout));
        await session.StopAsync(CancellationToken.None);
        await Task.WhenAny(processing, Task.Delay(CounterTimeout));
        return first == heap.Task ? heap.Task.Result : null;
    }

    private long ReadStatusKiB(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        throw new InvalidOperationException($"{field} not found in /proc/{Pid}/status");
    }
}
