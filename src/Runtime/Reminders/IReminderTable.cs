namespace Presence.Orleans.Runtime;

/// <summary>
/// Durable store of reminders (Orleans' <c>IReminderTable</c>). Rows survive deactivation and
/// process death; the reminder service polls it for rows that are due.
/// </summary>
public interface IReminderTable
{
    Task InitAsync(CancellationToken cancellationToken);

    /// <summary>Rows whose <see cref="ReminderEntry.NextDueAt"/> is at or before <paramref name="dueBy"/>.</summary>
    Task<IReadOnlyList<ReminderEntry>> ReadDueAsync(DateTimeOffset dueBy, int limit, CancellationToken cancellationToken);

    Task<IReadOnlyList<ReminderEntry>> ReadRowsAsync(GrainId grainId, CancellationToken cancellationToken);

    Task<ReminderEntry?> ReadRowAsync(GrainId grainId, string reminderName, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces a row unconditionally; returns the new ETag.</summary>
    Task<string> UpsertRowAsync(ReminderEntry entry, CancellationToken cancellationToken);

    /// <summary>Moves a row to its next due time if its ETag still matches; returns the new ETag or null.</summary>
    Task<string?> TryUpdateDueAsync(ReminderEntry entry, DateTimeOffset nextDueAt, CancellationToken cancellationToken);

    /// <summary>Removes a row if its ETag matches (any ETag when <paramref name="eTag"/> is null).</summary>
    Task<bool> RemoveRowAsync(GrainId grainId, string reminderName, string? eTag, CancellationToken cancellationToken);
}
