using System.Diagnostics;

namespace Presence.Cluster.Tests;

/// <summary>
/// What one HTTP request got: a status and body, or a transport failure (<see cref="TimedOut"/> past the client's
/// deadline, or refused/reset). Times are <see cref="Stopwatch"/> timestamps, comparable across the test.
/// </summary>
public sealed record RestOutcome(string Request, int? Status, string Body, string? Failure, bool TimedOut, long StartedAt, long EndedAt)
{
    public bool IsOk => Status == 200;

    public bool IsServiceUnavailable => Status == 503;

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(StartedAt, EndedAt);

    public override string ToString() =>
        $"{Request} → {(Status is { } status ? status.ToString(System.Globalization.CultureInfo.InvariantCulture) : Failure)} in {Elapsed.TotalMilliseconds:0} ms{(Body.Length > 0 ? ": " + Truncate(Body) : "")}";

    private static string Truncate(string text) => text.Length > 300 ? text[..300] + "…" : text;
}
