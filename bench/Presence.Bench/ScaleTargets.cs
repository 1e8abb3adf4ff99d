using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Presence.Bench;

/// <summary>
/// The fan-out and memory targets (issue "Fan-out and memory at scale") checked against the rows of one run: each
/// figure, its target and whether it is met. Rows of other sizes (a quick run's 1,000 sockets) are checked against
/// the same targets and say so.
/// </summary>
internal static partial class ScaleTargets
{
    public static void Append(StringBuilder table, IReadOnlyDictionary<string, ScenarioResult> byId)
    {
        var rows = new List<(string Figure, string Measured, string Target, bool? Met)>();
        var size = byId.Keys.Select(k => FanoutId().Match(k)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))
            .Where(s => s <= 10_000).DefaultIfEmpty(0).Max();

        if (Ok(byId, $"fanout-{size}") is { P99Ms: { } p99 } fanout)
        {
            var baseline = Ok(byId, $"fanout-baseline-{size}")?.P99Ms;
            var delivered = Metric(fanout, "events_delivered") == Metric(fanout, "events_expected") && Metric(fanout, "events_out_of_order") == 0;
            rows.Add(($"fan-out to {size:N0}: change-to-delivery p99", $"{Ms(p99)}{(baseline is { } b ? $" (baseline {Ms(b)}, ×{p99 / b:0.0})" : "")}",
                "≤ 50 ms and ≤ 2× the baseline, all delivered in order", p99 <= 50 && (baseline is not { } bl || p99 <= 2 * bl) && delivered));
            if (Ok(byId, $"fanout-{size}-cluster") is { P99Ms: { } clusterP99 })
                rows.Add(($"the same through 3 silos + 2 gateways", Ms(clusterP99), "≤ 100 ms", clusterP99 <= 100));
            if (Metric(fanout, "silo_cpu_us_per_event") is { } cpu)
                rows.Add(("silo CPU per delivered event, one process (its sockets included)", $"{cpu:0.0} µs", "≤ 5 µs", cpu <= 5));
        }
        if (Metric(Ok(byId, $"fanout-{size}-cluster"), "silo_cpu_us_per_event") is { } clusterCpu)
            rows.Add(("silo CPU per delivered event, a cluster's silos (sockets on the gateways)", $"{clusterCpu:0.0} µs", "≤ 5 µs", clusterCpu <= 5));
        if (byId.TryGetValue("fanout-50000", out var big))
            rows.Add(("fan-out to 50,000", big.Status == ScenarioResult.Ok && big.P99Ms is { } bigP99 ? $"p99 {Ms(bigP99)}" : big.Status,
                "all delivered, p99 ≤ 500 ms", big.Status == ScenarioResult.Ok ? big.P99Ms <= 500 : null));
        if (Metric(Ok(byId, "mem-users"), "gc_heap_bytes_per_user") is { } user)
        {
            var bare = Metric(Ok(byId, "mem-bare-activation"), "gc_heap_bytes_per_activation");
            rows.Add(("GC heap per online user ÷ a bare activation", bare is > 0 ? $"{user / bare.Value:0.00}× ({Bytes(user)} ÷ {Bytes(bare.Value)})" : Bytes(user),
                "≤ 1.5×", bare is > 0 ? user / bare.Value <= 1.5 : null));
        }
        if (Metric(Ok(byId, "mem-subs"), "gc_heap_bytes_per_subscription") is { } subscription)
            rows.Add(("GC heap per subscription", Bytes(subscription), "≤ 150 B", subscription <= 150));
        if (Metric(Ok(byId, "mem-sockets"), "gc_heap_bytes_per_socket") is { } socket)
            rows.Add(("GC heap per idle WebSocket", Bytes(socket), "≤ 8 KiB", socket <= 8192));
        if (Ok(byId, "baseline")?.Throughput is > 0 and var baselineRate)
        {
            foreach (var id in new[] { "r3", "r2" })
            {
                if (Ok(byId, id)?.Throughput is { } rate)
                    rows.Add(($"{id.ToUpperInvariant()} (100 users) ÷ baseline", (rate / baselineRate).ToString("0.000", CultureInfo.InvariantCulture), "≥ 0.08", rate / baselineRate >= 0.08));
            }
        }
        if (rows.Count == 0)
            return;
        table.AppendLine();
        table.AppendLine("Fan-out and memory targets:");
        table.AppendLine();
        table.AppendLine("| figure | measured | target | met |");
        table.AppendLine("| --- | ---: | --- | --- |");
        foreach (var (figure, measured, target, met) in rows)
            table.AppendLine($"| {figure} | {measured} | {target} | {met switch { true => "yes", false => "**no**", null => "—" }} |");
    }

    private static ScenarioResult? Ok(IReadOnlyDictionary<string, ScenarioResult> byId, string id) =>
        byId.TryGetValue(id, out var r) && r.Status == ScenarioResult.Ok ? r : null;

    private static double? Metric(ScenarioResult? r, string key) => r?.Metrics is { } m && m.TryGetValue(key, out var v) ? v : null;

    private static string Ms(double ms) => ms < 10 ? $"{ms.ToString("0.00", CultureInfo.InvariantCulture)} ms" : $"{ms.ToString("0", CultureInfo.InvariantCulture)} ms";

    private static string Bytes(double bytes) => MemoryScenarios.Bytes(bytes);

    [GeneratedRegex(@"^fanout-(\d+)$")]
    private static partial Regex FanoutId();
}
