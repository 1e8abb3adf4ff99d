namespace Presence.Orleans.Runtime;

/// <summary>
/// One durable reminder row. <see cref="Period"/> of zero makes a one-shot reminder: it is removed
/// only after a delivery succeeded (at-least-once). <see cref="ETag"/> is the row version used for
/// optimistic concurrency; the table assigns it.
/// </summary>
public sealed record ReminderEntry(
    GrainId GrainId,
    string ReminderName,
    DateTimeOffset StartAt,
    TimeSpan Period,
    DateTimeOffset NextDueAt,
    string? ETag = null);
