using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Presence.Cluster.Tests;

/// <summary>
/// What a chaos run saw, per second and per minute: answers (200), 503s, other failures, and the 99th percentile of the
/// answered requests' latency; printed as a table and drawn as a PNG with the faults marked.
/// </summary>
public sealed class ChaosReport(IReadOnlyList<RestOutcome> outcomes, IReadOnlyList<FaultWindow> faults, long origin, TimeSpan duration)
{
    private int Seconds => (int)Math.Ceiling(duration.TotalSeconds);

    /// <summary>Second of the run at which a request ended.</summary>
    private int SecondOf(RestOutcome outcome) => (int)Stopwatch.GetElapsedTime(origin, outcome.EndedAt).TotalSeconds;

    public string MinuteTable()
    {
        var text = new StringBuilder("minute |   200 |  503 | other | p99 ms | faults\n");
        foreach (var minute in outcomes.GroupBy(o => SecondOf(o) / 60).OrderBy(g => g.Key))
        {
            var from = origin + (long)(minute.Key * 60 * Stopwatch.Frequency);
            var to = from + 60 * Stopwatch.Frequency;
            var inMinute = faults.Where(f => f.StartedAt >= from && f.StartedAt < to).Select(f => f.What);
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{minute.Key,6} | {minute.Count(o => o.IsOk),5} | {minute.Count(o => o.IsServiceUnavailable),4} | {minute.Count(o => !o.IsOk && !o.IsServiceUnavailable),5} | {P99(minute),6:0} | {string.Join("; ", inMinute)}");
        }
        return text.ToString();
    }

    /// <summary>The 99th percentile latency (ms) of the answered requests among <paramref name="answers"/>; 0 when none.</summary>
    public static double P99(IEnumerable<RestOutcome> answers)
    {
        var latencies = answers.Where(o => o.IsOk).Select(o => o.Elapsed.TotalMilliseconds).Order().ToList();
        return latencies.Count == 0 ? 0 : latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(latencies.Count * 0.99) - 1)];
    }

    /// <summary>Throughput, p99 and errors per second, with each fault's window shaded and named.</summary>
    public void SaveChart(string path)
    {
        var bySecond = outcomes.GroupBy(SecondOf).ToDictionary(g => g.Key, g => g.ToList());
        var xs = Enumerable.Range(0, Seconds).Select(s => (double)s).ToArray();
        double[] Series(Func<List<RestOutcome>, double> value) =>
            [.. Enumerable.Range(0, Seconds).Select(s => bySecond.TryGetValue(s, out var second) ? value(second) : 0)];

        var plot = new ScottPlot.Plot();
        foreach (var fault in faults)
        {
            var span = plot.Add.HorizontalSpan(fault.StartSeconds(origin), fault.EndSeconds(origin));
            span.FillStyle.Color = ScottPlot.Colors.Orange.WithAlpha(0.25);
            plot.Add.Text(fault.What, fault.StartSeconds(origin), 0).LabelFontSize = 10;
        }
        var answered = plot.Add.Scatter(xs, Series(s => s.Count(o => o.IsOk)));
        answered.LegendText = "200 per second";
        answered.MarkerSize = 0;
        var errors = plot.Add.Scatter(xs, Series(s => s.Count(o => !o.IsOk)));
        errors.LegendText = "503 and other failures per second";
        errors.MarkerSize = 0;
        errors.Color = ScottPlot.Colors.Red;
        var p99 = plot.Add.Scatter(xs, Series(s => P99(s)));
        p99.LegendText = "p99 latency (ms, right axis)";
        p99.MarkerSize = 0;
        p99.Color = ScottPlot.Colors.Gray;
        p99.Axes.YAxis = plot.Axes.Right;
        plot.Axes.Bottom.Label.Text = "seconds since the load started";
        plot.Axes.Left.Label.Text = "requests per second";
        plot.Axes.Right.Label.Text = "p99 ms";
        plot.Title($"Chaos run: {duration.TotalMinutes:0.#} min, {faults.Count} faults");
        plot.ShowLegend();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, 1400, 600);
    }
}
