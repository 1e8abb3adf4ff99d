using Orleans.Runtime;

namespace Presence.Orleans.Grains;

/// <summary>
/// The few places this grain touches Orleans' timers, reminders, keep-alive and storage, so that the presence logic
/// reads the same whatever the engine's API looks like, and storage outages surface as one exception type.
/// </summary>
internal sealed partial class UserPresenceGrain
{
    /// <summary>
    /// Orleans reminders are periodic, with at least a minute between ticks. Ours are one-shot: each handler re-arms
    /// or removes its reminder, and a handler that failed (the database was down) runs again a period later.
    /// </summary>
    internal static readonly TimeSpan ReminderRetryPeriod = TimeSpan.FromMinutes(1);

    /// <summary>Reminders registered by this activation, so removing one needs no lookup round trip.</summary>
    private Dictionary<string, IGrainReminder>? _reminders;

    /// <summary>A one-shot grain timer: it runs on the grain's turn (not interleaved) and is disposed once it has run.</summary>
    private IDisposable StartTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime)
    {
        IGrainTimer? timer = null;
        timer = this.RegisterGrainTimer(
            async cancellationToken =>
            {
                try
                {
                    await callback(cancellationToken);
                }
                finally
                {
                    timer!.Dispose();
                }
            },
            new GrainTimerCreationOptions(dueTime < TimeSpan.Zero ? TimeSpan.Zero : dueTime, Timeout.InfiniteTimeSpan));
        return timer;
    }

    /// <summary>
    /// The soonest a reminder is armed for. Orleans skips a tick whose time passed before the reminder service
    /// scheduled it and fires one period later; a due time of zero (a reminder already past due, re-armed at
    /// activation) would therefore wait a whole minute.
    /// </summary>
    internal static readonly TimeSpan MinReminderDueTime = TimeSpan.FromSeconds(1);

    /// <summary>Registers (or moves) a durable reminder; <paramref name="period"/> defaults to <see cref="ReminderRetryPeriod"/>.</summary>
    private async Task ArmReminderAsync(string name, TimeSpan dueTime, TimeSpan? period = null)
    {
        var reminder = await StorageCallAsync(
            () => this.RegisterOrUpdateReminder(name, dueTime < MinReminderDueTime ? MinReminderDueTime : dueTime, period ?? ReminderRetryPeriod),
            $"registering reminder {name}");
        (_reminders ??= new(StringComparer.Ordinal))[name] = reminder;
    }

    private async Task DisarmReminderAsync(string name)
    {
        await StorageCallAsync(
            async () =>
            {
                IGrainReminder? reminder = null;
                if ((_reminders is not null && _reminders.Remove(name, out reminder)) || (reminder = await this.GetReminder(name)) is not null)
                    await this.UnregisterReminder(reminder);
                return true;
            },
            $"removing reminder {name}");
    }

    /// <summary>Whether this activation asked Orleans to keep it (<see cref="KeepAlive"/>).</summary>
    private bool _keptAlive;

    /// <summary>
    /// Keeps this activation in memory while devices or connected watchers rely on it (idle collection would drop them).
    /// Tells Orleans only when that changes: every subscribe reaches each target here, and Orleans takes a lock.
    /// </summary>
    private void KeepAlive(bool keepAlive)
    {
        if (keepAlive == _keptAlive)
            return;
        _keptAlive = keepAlive;
        DelayDeactivation(keepAlive ? Timeout.InfiniteTimeSpan : TimeSpan.Zero);
    }

    /// <summary>Writes the state record; a stale ETag throws Orleans' <c>InconsistentStateException</c> and Orleans deactivates us.</summary>
    /// <remarks>Every change of every user writes: inlined, not through <see cref="StorageCallAsync"/>'s delegate.</remarks>
    private async Task WriteStateAsync()
    {
        try
        {
            await _state.WriteStateAsync();
        }
        catch (Exception exception) when (StorageErrors.IsUnavailable(exception))
        {
            throw Unavailable(exception, "writing presence state");
        }
    }

    /// <summary>Runs a storage call; an outage becomes <see cref="StorageUnavailableException"/>, which clients map to 503.</summary>
    private static async Task<T> StorageCallAsync<T>(Func<Task<T>> call, string operation)
    {
        try
        {
            return await call();
        }
        catch (Exception exception) when (StorageErrors.IsUnavailable(exception))
        {
            throw Unavailable(exception, operation);
        }
    }

    private static StorageUnavailableException Unavailable(Exception exception, string operation) =>
        new($"Storage is unavailable ({operation}): {exception.Message}");
}
