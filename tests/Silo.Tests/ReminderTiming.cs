namespace Presence.Silo.Tests;

/// <summary>
/// How long a test waits for a durable reminder on a silo restarted after a crash. A silo that is up before the
/// reminder's due time delivers it on time. One that comes up later (a slow machine) delivers it only at the next
/// period: Orleans keeps a reminder's StartAt + n × period cadence and skips ticks missed while no silo ran (measured
/// here: a tick missed by 5 s came 55 s after the restart). The presence grain's reminders have Orleans' minimum
/// period, one minute, and nothing in the silo's configuration changes that cadence.
/// </summary>
internal static class ReminderTiming
{
    /// <summary>The period of the presence grain's one-shot reminders.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromMinutes(1);

    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(15);

    /// <summary>The deadline for a reminder due at <paramref name="dueAt"/> (Unix seconds): the due time, plus a period, plus slack.</summary>
    public static TimeSpan BoundFor(long dueAt) =>
        TimeSpan.FromSeconds(Math.Max(0, dueAt - DateTimeOffset.UtcNow.ToUnixTimeSeconds())) + Period + Slack;

    /// <summary>The deadline for a reminder due at <paramref name="dueAt"/>.</summary>
    public static TimeSpan BoundFor(DateTimeOffset dueAt) => BoundFor(dueAt.ToUnixTimeSeconds());
}
