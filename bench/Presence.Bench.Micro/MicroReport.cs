using System.Globalization;
using System.Text;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;

namespace Presence.Bench.Micro;

/// <summary>
/// Writes bench/results/micro.md from a whole default run: BenchmarkDotNet's GitHub-flavoured markdown report of each
/// summary (its environment block and table, as its markdown exporter writes them), the managed heap per activation,
/// the commit measured and how busy the machine was.
/// </summary>
internal static class MicroReport
{
    private const string ProjectDirectory = "bench/Presence.Bench.Micro";
    private const string ResultsFile = "bench/results/micro.md";

    public static string Write(IReadOnlyList<Summary> summaries, ActivationMemory.Result memory, string? loadBefore)
    {
        var root = RepositoryRoot();
        var revision = SourceRevision.Read(root);
        var text = new StringBuilder();
        text.AppendLine("# Micro-benchmarks (bench/Presence.Bench.Micro)");
        text.AppendLine();
        text.AppendLine("Written by `dotnet run -c Release --project bench/Presence.Bench.Micro` (no arguments); do not edit by hand.");
        text.AppendLine("An in-process Orleans silo (localhost clustering, the presence grains with memory storage), BenchmarkDotNet");
        text.AppendLine("`ShortRun` on the in-process toolchain.");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Measured {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {revision.Describe()}; load average before the run: {loadBefore ?? "unknown"} " +
            $"on {Environment.ProcessorCount} cores (times move with the load, allocations do not).");
        foreach (var summary in summaries)
        {
            var logger = new AccumulationLogger();
            MarkdownExporter.GitHub.ExportToLog(summary, logger);
            text.AppendLine();
            text.AppendLine(logger.GetLog().Trim());
        }
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Managed heap per activation ({memory.Count:N0} activations, after full GCs): **{memory.EchoBytes:N0} B** for the echo grain " +
            $"(what Orleans keeps per activation), **{memory.UserBytes:N0} B** for a presence grain with one resource online.");
        var path = Path.Combine(root, ResultsFile);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text.ToString());
        return path;
    }

    /// <summary>The first 1-, 5- and 15-minute load averages (Linux), to tell a quiet run from a busy one.</summary>
    public static string? LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : null;

    /// <summary>The repository this program was built from: the first directory up from here (or from the binary) holding the project.</summary>
    private static string RepositoryRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (Directory.Exists(Path.Combine(dir.FullName, ProjectDirectory)))
                    return dir.FullName;
            }
        }
        throw new InvalidOperationException($"Cannot find the repository ({ProjectDirectory}) above {Environment.CurrentDirectory} or {AppContext.BaseDirectory}.");
    }
}
