using System.Diagnostics;
using System.Globalization;

namespace Presence.Bench;

/// <summary>
/// CPU spent during a scenario, in cores, from /proc: by the whole machine, by the silo (the sum of several
/// processes when given several: a cluster's silos), by the load generator, and the rest — other work on the
/// machine, which makes a run noisy (the benchmarks share the 2 cores).
/// </summary>
internal sealed class CpuMeter
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux
    private readonly int[] _siloPids;
    private readonly (long Busy, long Total) _machineStart;
    private readonly long _siloStart;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly TimeSpan _selfStart = Process.GetCurrentProcess().TotalProcessorTime;

    public CpuMeter(params int[] siloPids)
    {
        _siloPids = siloPids;
        _machineStart = Machine();
        _siloStart = SiloTicks(0);
    }

    /// <summary>Adds cpu_* metrics; <paramref name="loadGeneratorSeconds"/> is the CPU time of a child load generator (wrk).</summary>
    public void Stop(SortedDictionary<string, double> metrics, double loadGeneratorSeconds = 0)
    {
        var seconds = _clock.Elapsed.TotalSeconds;
        var machine = Machine();
        var silo = SiloTicks(_siloStart) - _siloStart;
        var self = (Process.GetCurrentProcess().TotalProcessorTime - _selfStart).TotalSeconds;
        var totalTicks = machine.Total - _machineStart.Total;
        var busyShare = totalTicks > 0 ? (double)(machine.Busy - _machineStart.Busy) / totalTicks : 0;
        var machineCores = busyShare * Environment.ProcessorCount;
        var siloCores = silo / TicksPerSecond / seconds;
        var loadCores = (loadGeneratorSeconds + self) / seconds;
        metrics["cpu_machine_cores"] = Math.Round(machineCores, 2);
        metrics["cpu_silo_cores"] = Math.Round(siloCores, 2);
        metrics["cpu_silo_seconds"] = Math.Round(silo / TicksPerSecond, 3);
        metrics["cpu_window_seconds"] = Math.Round(seconds, 3);
        metrics["cpu_loadgen_cores"] = Math.Round(loadCores, 2);
        metrics["cpu_other_cores"] = Math.Round(Math.Max(0, machineCores - siloCores - loadCores), 2);
    }

    /// <summary>The silo processes' ticks; <paramref name="fallback"/> once one is gone.</summary>
    private long SiloTicks(long fallback)
    {
        long sum = 0;
        foreach (var pid in _siloPids)
        {
            if (ProcessTicks(pid) is not { } ticks)
                return fallback;
            sum += ticks;
        }
        return sum;
    }

    /// <summary>utime + stime of a process in clock ticks; null once it is gone.</summary>
    public static long? ProcessTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name (which may hold spaces) start after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static (long Busy, long Total) Machine()
    {
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        // user nice system idle iowait irq softirq steal (guest time is already in user)
        var total = cpu.Take(8).Sum();
        var idle = cpu[3] + cpu[4];
        return (total - idle, total);
    }
}
