using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Presence.Bench;

/// <summary>
/// Turns the run's result lines into the markdown table (stdout) and bench/results/latest.json, stamped with the commit
/// measured (<see cref="SourceRevision"/>).
/// </summary>
internal static class Report
{
    private const string BaselineId = "baseline";

    /// <summary>
    /// Id prefixes of rows measured on a second server of the same run, and the column comparing each with the unprefixed
    /// row of the same scenario: through the cluster (bench/run.sh --cluster) against a single silo, and with Orleans' ADO.NET
    /// grain storage (bench/run.sh --postgres) against our group-commit storage. Each prefixed row has its own baseline.
    /// </summary>
    private static readonly (string Prefix, string Column)[] Comparisons =
    [
        ("cluster-", "cluster ÷ single silo"),
        ("adonet-", "AdoNet ÷ GroupCommit"),
    ];

    /// <summary>CPU used by neither the silo nor the load generator above which a row is marked noisy.</summary>
    private const double NoisyOtherCores = 0.2;

    public static int Write(BenchArgs options)
    {
        var results = ScenarioResult.ReadAll(options.Get("in"));
        var baseline = results.FirstOrDefault(r => r.Id == BaselineId && r.Status == ScenarioResult.Ok)?.Throughput;
        var machine = Machine();
        var mode = options.Get("mode", "full");
        var storage = options.Get("storage", "memory");
        var json = options.Get("json", "");
        var revision = SourceRevision.From(options.Get("commit", ""), options.Get("dirty", ""),
            json.Length > 0 ? Path.GetDirectoryName(Path.GetFullPath(json))! : Environment.CurrentDirectory);

        var (prefix, column) = Comparisons.FirstOrDefault(c => results.Any(r => r.Id.StartsWith(c.Prefix, StringComparison.Ordinal)));
        var compared = prefix is not null;
        var comparedBaseline = compared ? results.FirstOrDefault(r => r.Id == prefix + BaselineId && r.Status == ScenarioResult.Ok)?.Throughput : null;
        var byId = results.GroupBy(r => r.Id).ToDictionary(g => g.Key, g => g.Last());

        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"Machine: {machine["description"]}; mode: {mode}; storage: {storage}; {revision.Describe()}.");
        table.AppendLine();
        table.AppendLine(compared
            ? $"| scenario | throughput | p50 | p99 | ratio to baseline | {column} | peak RSS (process under load) | result |"
            : "| scenario | throughput | p50 | p99 | ratio to baseline | peak RSS (silo) | result |");
        table.AppendLine(compared ? "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |" : "| --- | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var r in results)
        {
            var isComparedRow = compared && r.Id.StartsWith(prefix!, StringComparison.Ordinal);
            var ratio = Ratio(r, isComparedRow ? prefix + BaselineId : BaselineId, isComparedRow ? comparedBaseline : baseline);
            var versus = isComparedRow && byId.TryGetValue(r.Id[prefix!.Length..], out var reference) ? Ratio(r, reference) : "—";
            var cells = new List<string> { r.Name, Throughput(r), Ms(r.P50Ms), Ms(r.P99Ms), ratio };
            if (compared)
                cells.Add(versus);
            cells.Add(Mib(r.PeakRssBytes));
            cells.Add(Outcome(r));
            table.AppendLine($"| {string.Join(" | ", cells)} |");
        }
        AppendRuntimeTable(table, results);
        ScaleTargets.Append(table, byId);
        Console.Write(table.ToString());

        var document = new Dictionary<string, object?>
        {
            ["generated_at"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            // The code measured: git rev-parse HEAD when the run started, and whether uncommitted changes were built too.
            ["commit"] = revision.Commit,
            ["dirty"] = revision.Dirty,
            ["mode"] = mode,
            ["storage"] = storage,
            ["machine"] = machine,
            ["baseline_req_per_s"] = baseline,
            ["cluster_baseline_req_per_s"] = prefix == "cluster-" ? comparedBaseline : null,
            ["adonet_baseline_req_per_s"] = prefix == "adonet-" ? comparedBaseline : null,
            ["results"] = results,
            ["markdown"] = table.ToString(),
        };
        if (json.Length > 0)
            File.WriteAllText(json, JsonSerializer.Serialize(document, new JsonSerializerOptions(ScenarioResult.JsonOptions) { WriteIndented = true }) + "\n");
        return results.Any(r => r.Status == ScenarioResult.Failed) ? 1 : 0;
    }

    /// <summary>What the silo's runtime did during each measured run: the figures that say what bounds a result.</summary>
    private static void AppendRuntimeTable(StringBuilder table, List<ScenarioResult> results)
    {
        var rows = results.Where(r => r.Metrics is { } m && m.ContainsKey("rt_cpu_usage_mean")).ToList();
        if (rows.Count == 0)
            return;
        table.AppendLine();
        table.AppendLine("Silo runtime during each measured run (System.Runtime counters, 1 s samples):");
        table.AppendLine();
        table.AppendLine("| scenario | CPU cores: silo / load generator / other | allocated per request | thread-pool items per request | GCs gen0/1/2 | GC pause | GC heap (max) |");
        table.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in rows)
        {
            var m = r.Metrics!;
            string Get(string key, string format) => m.TryGetValue(key, out var v) ? v.ToString(format, CultureInfo.InvariantCulture) : "—";
            var perRequest = m.TryGetValue("alloc_bytes_per_request", out var a) ? MemoryScenarios.Bytes(a)
                : m.TryGetValue("rt_alloc_rate", out var total) && m.TryGetValue("calls", out var calls) && calls > 0 ? MemoryScenarios.Bytes(total / calls) : "—";
            var pause = m.TryGetValue("rt_gc_pause_percent", out var p) ? $"{p.ToString("0.0", CultureInfo.InvariantCulture)} % ({Get("rt_gc_pause_ms", "N0")} ms)" : "—";
            var requests = m.TryGetValue("requests", out var q) ? q : m.GetValueOrDefault("calls");
            var items = m.TryGetValue("rt_threadpool_completed_items_count", out var n) && requests > 0 ? (n / requests).ToString("0", CultureInfo.InvariantCulture) : "—";
            var other = m.GetValueOrDefault("cpu_other_cores");
            var cpu = $"{Get("cpu_silo_cores", "0.00")} / {Get("cpu_loadgen_cores", "0.00")} / {Get("cpu_other_cores", "0.00")}{(other > NoisyOtherCores ? " (noisy)" : "")}";
            table.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Name} | {cpu} | {perRequest} | {items} | {Get("rt_gen_0_gc_count", "0")}/{Get("rt_gen_1_gc_count", "0")}/{Get("rt_gen_2_gc_count", "0")} | {pause} | {Get("rt_gc_heap_size_max", "N0")} MB |");
        }
    }

    /// <summary>An HTTP row's throughput as a ratio to its baseline (the ping of the same server).</summary>
    private static string Ratio(ScenarioResult r, string baselineId, double? baseline) =>
        r.Kind == "http" && baseline is > 0 && r.Throughput is { } t && r.Status == ScenarioResult.Ok
            ? (r.Id == baselineId ? "1.00" : (t / baseline.Value).ToString("0.00", CultureInfo.InvariantCulture))
            : "—";

    /// <summary>
    /// A compared row (a cluster row, an AdoNet row) against the same scenario on the reference server: throughput for
    /// HTTP rows; for fan-out (whose event rate is fixed by the scenario) the change-to-delivery p99, which is what the
    /// hops cost there.
    /// </summary>
    private static string Ratio(ScenarioResult compared, ScenarioResult reference)
    {
        if (compared.Status != ScenarioResult.Ok || reference.Status != ScenarioResult.Ok)
            return "—";
        return compared.Kind switch
        {
            "http" when compared.Throughput is { } c && reference.Throughput is > 0 => (c / reference.Throughput.Value).ToString("0.00", CultureInfo.InvariantCulture),
            "fanout" when compared.P99Ms is { } c && reference.P99Ms is > 0 => $"p99 ×{(c / reference.P99Ms.Value).ToString("0.00", CultureInfo.InvariantCulture)}",
            _ => "—",
        };
    }

    private static string Throughput(ScenarioResult r) =>
        r.Throughput is { } t && r.Status != ScenarioResult.Skipped ? $"{t.ToString("N0", CultureInfo.InvariantCulture)} {r.Unit}" : "—";

    private static string Ms(double? ms) => ms switch
    {
        null => "—",
        < 10 => $"{ms.Value.ToString("0.00", CultureInfo.InvariantCulture)} ms",
        _ => $"{ms.Value.ToString("0", CultureInfo.InvariantCulture)} ms",
    };

    private static string Mib(long? bytes) => bytes is { } b ? $"{(b / 1048576.0).ToString("0", CultureInfo.InvariantCulture)} MiB" : "—";

    private static string Outcome(ScenarioResult r) => r.Status switch
    {
        ScenarioResult.Failed => $"**FAIL** {r.Note}",
        ScenarioResult.Skipped => r.Note ?? "skipped",
        _ => r.Note is { } note ? $"ok: {note}" : "ok",
    };

    private static Dictionary<string, string> Machine()
    {
        var cpu = ReadFirst("/proc/cpuinfo", "model name")?.Split(':', 2)[1].Trim() ?? RuntimeInformation.ProcessArchitecture.ToString();
        var memKiB = ReadFirst("/proc/meminfo", "MemTotal:")?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        var memGiB = memKiB is null ? "?" : (long.Parse(memKiB, CultureInfo.InvariantCulture) / 1048576.0).ToString("0", CultureInfo.InvariantCulture);
        var os = ReadFirst("/etc/os-release", "PRETTY_NAME=")?.Split('=', 2)[1].Trim('"') ?? RuntimeInformation.OSDescription;
        var cores = Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture);
        return new Dictionary<string, string>
        {
            ["cores"] = cores,
            ["memory_gib"] = memGiB,
            ["cpu"] = cpu,
            ["os"] = os,
            ["runtime"] = RuntimeInformation.FrameworkDescription,
            ["description"] = $"{cores} cores ({cpu}), {memGiB} GiB, {os}, {RuntimeInformation.FrameworkDescription}; load generator on the same machine",
        };
    }

    private static string? ReadFirst(string path, string prefix) =>
        File.Exists(path) ? File.ReadLines(path).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal)) : null;
}
