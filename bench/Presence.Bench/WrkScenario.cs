using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Presence.Bench;

/// <summary>
/// An HTTP scenario driven by wrk and one of bench/lua/*.lua: an optional warm-up run, then the measured run.
/// Only 2xx responses count as throughput; any other status (or socket error) in either run fails the scenario.
/// </summary>
internal static class WrkScenario
{
    private const string ResultMarker = "BENCH_RESULT ";

    public static async Task<int> RunAsync(BenchArgs options)
    {
        var silo = new SiloProcess(options.Int("pid"));
        var result = new ScenarioResult { Id = options.Get("id"), Name = options.Get("name"), Kind = "http", Unit = "req/s" };
        var warmup = options.Int("warmup", 2);
        var statuses = new SortedDictionary<string, long>(StringComparer.Ordinal);
        long socketErrors = 0;

        if (warmup > 0)
        {
            var (warm, _) = await RunWrkAsync(options, warmup);
            Merge(statuses, warm, ref socketErrors);
        }

        silo.ResetPeak();
        await using var counters = RuntimeCounters.TryStart(silo.Pid);
        var cpu = new CpuMeter(silo.Pid);
        var (measured, wrkCpuSeconds) = await RunWrkAsync(options, options.Int("duration", 10));
        result.PeakRssBytes = silo.PeakResidentBytes();
        var measuredStatuses = new SortedDictionary<string, long>(StringComparer.Ordinal);
        long measuredSocketErrors = 0;
        Merge(measuredStatuses, measured, ref measuredSocketErrors);
        Merge(statuses, measured, ref socketErrors);

        var seconds = measured.GetProperty("duration_us").GetDouble() / 1e6;
        var ok = measuredStatuses.Where(p => p.Key.StartsWith('2')).Sum(p => p.Value);
        result.Throughput = seconds > 0 ? ok / seconds : 0;
        result.P50Ms = measured.GetProperty("p50_us").GetDouble() / 1000;
        result.P99Ms = measured.GetProperty("p99_us").GetDouble() / 1000;
        result.Statuses = measuredStatuses;
        result.Metrics = new SortedDictionary<string, double>(StringComparer.Ordinal)
        {
            ["requests"] = measured.GetProperty("requests").GetDouble(),
            ["seconds"] = seconds,
            ["connections"] = options.Int("connections", 64),
            ["threads"] = options.Int("threads", 2),
            ["p90_ms"] = measured.GetProperty("p90_us").GetDouble() / 1000,
            ["max_ms"] = measured.GetProperty("max_us").GetDouble() / 1000,
            ["mean_ms"] = measured.GetProperty("mean_us").GetDouble() / 1000,
            ["socket_errors"] = measuredSocketErrors,
        };
        cpu.Stop(result.Metrics, wrkCpuSeconds);
        if (counters is not null)
        {
            await counters.StopAsync(result.Metrics);
            var requests = result.Metrics["requests"];
            if (result.Metrics.TryGetValue("rt_alloc_rate", out var allocated) && requests > 0)
                result.Metrics["alloc_bytes_per_request"] = Math.Round(allocated / requests);
        }

        var bad = statuses.Where(p => !p.Key.StartsWith('2')).ToList();
        if (bad.Count > 0 || socketErrors > 0)
        {
            result.Status = ScenarioResult.Failed;
            result.Note = "non-2xx: " + string.Join(", ", bad.Select(p => $"{p.Value}× {p.Key}")) + (socketErrors > 0 ? $"; {socketErrors} socket errors" : "");
        }
        return BenchCommands.Finish(options, result);
    }

    private static void Merge(SortedDictionary<string, long> into, JsonElement run, ref long socketErrors)
    {
        foreach (var status in run.GetProperty("statuses").EnumerateObject())
            into[status.Name] = into.GetValueOrDefault(status.Name) + status.Value.GetInt64();
        var errors = run.GetProperty("errors");
        // errors.status is wrk's own count of statuses > 399, already in the statuses above.
        socketErrors += errors.GetProperty("connect").GetInt64() + errors.GetProperty("read").GetInt64()
            + errors.GetProperty("write").GetInt64() + errors.GetProperty("timeout").GetInt64();
    }

    private static async Task<(JsonElement Result, double CpuSeconds)> RunWrkAsync(BenchArgs options, int seconds)
    {
        var threads = options.Int("threads", 2);
        var script = Path.GetFullPath(options.Get("script"));
        var start = new ProcessStartInfo("wrk")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "-t", threads.ToString(CultureInfo.InvariantCulture),
            "-c", options.Int("connections", 64).ToString(CultureInfo.InvariantCulture),
            "-d", $"{seconds.ToString(CultureInfo.InvariantCulture)}s",
            "--timeout", "10s",
            "-s", script,
            options.Get("url").TrimEnd('/') + "/",
        })
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["BENCH_LUA_DIR"] = Path.GetDirectoryName(script)!;
        start.Environment["BENCH_TOKEN"] = options.Get("token");
        start.Environment["BENCH_PREFIX"] = $"/{options.Get("org", "demo")}/{options.Get("app", "demo")}";
        start.Environment["BENCH_THREADS"] = threads.ToString(CultureInfo.InvariantCulture);
        foreach (var pair in options.Get("lua", "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (key, value) = (pair[..pair.IndexOf('=')], pair[(pair.IndexOf('=') + 1)..]);
            start.Environment[$"BENCH_{key}"] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start wrk.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(seconds + 60));
        // wrk's CPU time, read from /proc while it runs (an exited child's entry is gone).
        long wrkTicks = 0;
        var exited = process.WaitForExitAsync(limit.Token);
        try
        {
            while (!exited.IsCompleted)
            {
                wrkTicks = CpuMeter.ProcessTicks(process.Id) ?? wrkTicks;
                await Task.WhenAny(exited, Task.Delay(250));
            }
            await exited;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException("wrk did not finish in time.");
        }
        var output = await stdout;
        var log = options.Get("log", "");
        if (log.Length > 0)
            await File.AppendAllTextAsync(log, $"--- {options.Get("id")} ({seconds} s)\n{output}{await stderr}");
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith(ResultMarker, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"wrk printed no {ResultMarker.Trim()} line (exit {process.ExitCode}):\n{output}{await stderr}");
        using var json = JsonDocument.Parse(line[ResultMarker.Length..]);
        return (json.RootElement.Clone(), wrkTicks / 100.0);
    }
}
