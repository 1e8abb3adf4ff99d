using System.Diagnostics;

namespace Presence.Cluster.Tests;

/// <summary>
/// One fault of a chaos run: what was done, from when it began until the cluster was whole again plus the failover
/// allowance (Stopwatch timestamps). Errors and 503s are allowed inside, nowhere else.
/// </summary>
public sealed record FaultWindow(string What, long StartedAt, long EndedAt)
{
    public bool Covers(RestOutcome outcome) =>
        (outcome.StartedAt >= StartedAt && outcome.StartedAt <= EndedAt) || (outcome.EndedAt >= StartedAt && outcome.EndedAt <= EndedAt)
        || (outcome.StartedAt <= StartedAt && outcome.EndedAt >= EndedAt);

    public bool Overlaps(long from, long to) => StartedAt <= to && EndedAt >= from;

    public double StartSeconds(long origin) => Stopwatch.GetElapsedTime(origin, StartedAt).TotalSeconds;

    public double EndSeconds(long origin) => Stopwatch.GetElapsedTime(origin, EndedAt).TotalSeconds;
}
