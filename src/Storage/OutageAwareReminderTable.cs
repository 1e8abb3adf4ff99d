using Orleans.Runtime;
using Presence.Grains;

namespace Presence.Storage;

/// <summary>
/// Orleans' ADO.NET reminder table, unchanged, except that what it throws goes through <see cref="PostgresDatabase.Translate"/>.
/// A grain's reminder call reaches the table through Orleans' reminder service, whose answer (or exception) Orleans
/// serializes back to the grain: an Npgsql exception would arrive as a <c>CodecNotFoundException</c>, an outage as no
/// outage at all. Translated here, the grain gets <see cref="StorageUnavailableException"/> and passes it on as thrown.
/// </summary>
internal sealed class OutageAwareReminderTable(IReminderTable inner, PostgresDatabase database) : IReminderTable
{
    /// <summary>The table translated (tests check which one it is).</summary>
    internal IReminderTable Inner => inner;

    /// <summary>Run by the silo's start, not by a grain: what it throws stays as it is, for the start's log.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken = default) => inner.StopAsync(cancellationToken);

    public Task<ReminderTableData> ReadRows(GrainId grainId) =>
        GuardAsync(() => inner.ReadRows(grainId), $"reading the reminders of {grainId}");

    public Task<ReminderTableData> ReadRows(uint begin, uint end) =>
        GuardAsync(() => inner.ReadRows(begin, end), $"reading the reminders in range {begin}-{end}");

    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) =>
        GuardAsync(() => inner.ReadRow(grainId, reminderName), $"reading reminder {reminderName} of {grainId}");

    public Task<string?> UpsertRow(ReminderEntry entry) =>
        GuardAsync(() => inner.UpsertRow(entry), $"writing reminder {entry.ReminderName} of {entry.GrainId}");

    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag) =>
        GuardAsync(() => inner.RemoveRow(grainId, reminderName, eTag), $"removing reminder {reminderName} of {grainId}");

    public Task TestOnlyClearTable() => inner.TestOnlyClearTable();

    private async Task<T> GuardAsync<T>(Func<Task<T>> call, string operation)
    {
        try
        {
            return await call();
        }
        catch (Exception exception) when (StorageErrors.MustTranslate(exception))
        {
            throw database.Translate(exception, operation);
        }
    }
}
