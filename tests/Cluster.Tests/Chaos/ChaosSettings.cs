using System.Globalization;

namespace Presence.Cluster.Tests;

/// <summary>
/// What a chaos run does, from the environment (<c>bench/run.sh --chaos --minutes N</c> sets them; the test suite runs the
/// defaults): its length, the seed of its faults (printed, so a run can be repeated), the sockets it holds, and where
/// its chart goes.
/// </summary>
public sealed record ChaosSettings(TimeSpan Duration, int Seed, int Sockets, string? ChartPath)
{
    public static ChaosSettings FromEnvironment() => new(
        TimeSpan.FromMinutes(Number("PRESENCE_CHAOS_MINUTES") ?? 2),
        (int?)Number("PRESENCE_CHAOS_SEED") ?? Random.Shared.Next(),
        (int?)Number("PRESENCE_CHAOS_SOCKETS") ?? 20,
        Environment.GetEnvironmentVariable("PRESENCE_CHAOS_CHART") is { Length: > 0 } chart ? chart : null);

    private static double? Number(string name) =>
        double.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
}
