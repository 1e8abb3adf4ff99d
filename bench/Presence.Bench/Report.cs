using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Presence.Orleans.Bench;

/// <summary>Turns the run's result lines into the markdown table (stdout) and bench/results/latest.json.</summary>
internal static class Report
{
    private const string BaselineId = "baseline";

    public static int Write(BenchArgs options)
    {
        var results = ScenarioResult.ReadAll(options.Get("in"));
        var baseline = results.FirstOrDefault(r => r.Id == BaselineId && r.Status == ScenarioResult.Ok)?.Throughput;
        var machine = Machine();
        var mode = options.Get("mode", "full");
        var storage = options.Get("storage", "memory");

        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"Machine: {machine["description"]}; mode: {mode}; storage: {storage}.");
        table.AppendLine();
        table.AppendLine("| scenario | throughput | p50 | p99 | ratio to baseline | peak RSS (silo) | result |");
        table.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var r in results)
        {
            var ratio = r.Kind == "http" && baseline is > 0 && r.Throughput is { } t && r.Status == ScenarioResult.Ok
                ? (r.Id == BaselineId ? "1.00" : (t / baseline.Value).ToString("0.00", CultureInfo.InvariantCulture))
                : "—";
            table.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Name} | {Throughput(r)} | {Ms(r.P50Ms)} | {Ms(r.P99Ms)} | {ratio} | {Mib(r.PeakRssBytes)} | {Outcome(r)} |");
        }
        Console.Write(table.ToString());

        var document = new Dictionary<string, object?>
        {
            ["generated_at"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["mode"] = mode,
            ["storage"] = storage,
            ["machine"] = machine,
            ["baseline_req_per_s"] = baseline,
            ["results"] = results,
            ["markdown"] = table.ToString(),
        };
        var json = options.Get("json", "");
        if (json.Length > 0)
            File.WriteAllText(json, JsonSerializer.Serialize(document, new JsonSerializerOptions(ScenarioResult.JsonOptions) { WriteIndented = true }) + "\n");
        return results.Any(r => r.Status == ScenarioResult.Failed) ? 1 : 0;
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
