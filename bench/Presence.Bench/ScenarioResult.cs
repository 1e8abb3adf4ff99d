using System.Text.Json;
using System.Text.Json.Serialization;

namespace Presence.Bench;

/// <summary>One row of the results: what every scenario command appends (one JSON line) to the run's results file.</summary>
internal sealed class ScenarioResult
{
    public const string Ok = "ok";
    public const string Failed = "failed";
    public const string Skipped = "skipped";

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public required string Id { get; init; }
    public required string Name { get; init; }

    /// <summary><c>http</c> (compared with the baseline), <c>memory</c> or <c>fanout</c>.</summary>
    public required string Kind { get; init; }

    public string Status { get; set; } = Ok;

    /// <summary>2xx responses (or delivered events) per second.</summary>
    public double? Throughput { get; set; }

    public string? Unit { get; set; }
    public double? P50Ms { get; set; }
    public double? P99Ms { get; set; }

    /// <summary>Peak resident set of the silo during the scenario (VmHWM after a reset), in bytes.</summary>
    public long? PeakRssBytes { get; set; }

    /// <summary>Responses per HTTP status (<c>0</c>: transport error).</summary>
    public SortedDictionary<string, long>? Statuses { get; set; }

    /// <summary>Scenario-specific figures (bytes per user, connections, events…).</summary>
    public SortedDictionary<string, double>? Metrics { get; set; }

    /// <summary>The one figure that matters for a non-HTTP scenario, or why it failed or was skipped.</summary>
    public string? Note { get; set; }

    public void AppendTo(string path)
    {
        var line = JsonSerializer.Serialize(this, JsonOptions);
        File.AppendAllText(path, line + "\n");
    }

    public static List<ScenarioResult> ReadAll(string path) =>
        File.ReadLines(path).Where(l => l.Trim().Length > 0).Select(l => JsonSerializer.Deserialize<ScenarioResult>(l, JsonOptions)!).ToList();
}
