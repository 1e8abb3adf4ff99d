using Orleans.Runtime;
using Presence.Grains;

namespace Presence.Storage;

/// <summary>
/// Orleans' ADO.NET reminder table, unchanged, except that what it throws goes through <see cref="PostgresDatabase.Translate"/>.
/// A grain's reminder call reaches the table through Orleans' reminder service, whose answer (or exception) Orleans
/// serializes back to the grain: an Npgsql exception would arrive as a <c>CodecNotFoundException</c>, an outage as no
/// outage at all. Translated here, the grain gets <see cref="StorageUnavailableException"/> and passes it on as thrown.
/// </summary>
internal sealed partial class OutageAwareReminderTable(IReminderTable inner, PostgresDatabase database, ILogger<OutageAwareReminderTable> logger)
    : IReminderTable
{
    /// <summary>How long the start waits before trying an unreachable database again.</summary>
    internal static readonly TimeSpan StartRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>The table translated (tests check which one it is).</summary>
    internal IReminderTable Inner => inner;

    /// <summary>
    /// Run by the silo's start. An unreachable database (stopped while the silo was starting) is waited for, with a
    /// warning per attempt, as the schema's start waits: the silo is live but not ready meanwhile, and a stop request
    /// (SIGTERM) ends the wait. Anything else is thrown as it is, for the start's log.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await inner.StartAsync(cancellationToken);
                if (attempt > 1)
                    LogStarted(logger, attempt);
                return;
            }
            catch (Exception exception) when (StorageErrors.IsUnavailable(exception) && !cancellationToken.IsCancellationRequested)
            {
                LogWaiting(logger, attempt, StartRetryDelay.TotalSeconds, exception.Message);
                await Task.Delay(StartRetryDelay, cancellationToken);
            }
        }
    }

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "The reminder table cannot start: PostgreSQL is unavailable (attempt {Attempt}; next in {DelaySeconds} s): {Reason}")]
    private static partial void LogWaiting(ILogger logger, int attempt, double delaySeconds, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The reminder table started after {Attempt} attempts: PostgreSQL is back")]
    private static partial void LogStarted(ILogger logger, int attempt);
}
