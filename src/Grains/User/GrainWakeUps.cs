using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Presence.Grains;

/// <summary>
/// The one grain timer and the one reminder of a user grain, armed as its <see cref="WakeUpSchedule"/> says: the only
/// place the grain touches Orleans' timers and reminders.
/// </summary>
/// <remarks>
/// <paramref name="update"/> feeds the schedule the grain's current deadlines; <paramref name="onTimer"/> runs the work
/// due when the timer fires, on the grain's turn.
/// </remarks>
internal sealed class GrainWakeUps(Grain grain, WakeUpSchedule schedule, TimeProvider clock, Action update, Func<WakeUp, Task> onTimer, ILogger logger)
{
    /// <summary>The reminder's name in Orleans' reminder table.</summary>
    public const string ReminderName = "wake-up";

    /// <summary>Reminders of earlier versions (one per deadline): a tick of one is a wake-up, and then it is removed.</summary>
    private static readonly string[] RetiredReminderNames = ["subscriptions-expiry", "ext-grace", "connections"];

    private IGrainTimer? _timer;
    private DateTimeOffset? _timerDueAt;
    private IGrainReminder? _reminder;

    /// <summary>The deadlines follow the state, and the timer follows the deadlines.</summary>
    public void Reschedule()
    {
        update();
        ArmTimer();
    }

    /// <summary>As <see cref="Reschedule"/>, and the reminder follows the durable deadlines before the caller is answered.</summary>
    public Task RescheduleDurablyAsync()
    {
        Reschedule();
        return SyncReminderAsync();
    }

    /// <summary>The reminder follows the durable deadlines (the timer follows them after the caller's write).</summary>
    public Task UpdateReminderAsync()
    {
        update();
        return SyncReminderAsync();
    }

    /// <summary>Moves the timer to the schedule's earliest precise deadline (one timer object, changed in place).</summary>
    public void ArmTimer()
    {
        var due = schedule.TimerDue;
        if (due == _timerDueAt)
            return;
        _timerDueAt = due;
        var dueTime = due is { } at ? Max(at - clock.GetUtcNow(), TimeSpan.Zero) : Timeout.InfiniteTimeSpan;
        if (_timer is not null)
            _timer.Change(dueTime, Timeout.InfiniteTimeSpan);
        else if (due is not null)
            _timer = grain.RegisterGrainTimer(OnTimerAsync, new GrainTimerCreationOptions(dueTime, Timeout.InfiniteTimeSpan));
    }

    /// <summary>The timer fired (it is spent until armed again): the work due now; a failure is retried after a back-off.</summary>
    private async Task OnTimerAsync(CancellationToken cancellationToken)
    {
        _timerDueAt = null;
        var now = clock.GetUtcNow();
        var due = schedule.TakeTimerWork(now);
        try
        {
            await onTimer(due);
        }
        catch
        {
            schedule.TimerFailed(now);
            throw;
        }
        finally
        {
            Reschedule();
        }
        await SyncReminderAsync();
    }

    /// <summary>
    /// A reminder ticked: for a wake-up (ours or a retired one) <paramref name="checkDeadlines"/> runs, then the reminder
    /// is armed for the next deadline or removed; any other reminder is removed. A failed tick runs again.
    /// </summary>
    public async Task OnReminderAsync(string name, Func<Task> checkDeadlines)
    {
        if (!await AcceptTickAsync(name))
            return;
        await checkDeadlines();
        Reschedule();
        await AfterReminderTickAsync(name);
    }

    /// <summary>Arms or removes the reminder as the deadlines need.</summary>
    public Task SyncReminderAsync() => ApplyAsync(schedule.PlanReminder(clock.GetUtcNow()));

    /// <summary>After a deadline went away: a reminder left armed only ticks once for nothing, so a failure here is harmless.</summary>
    public async Task TrySyncReminderAsync()
    {
        try
        {
            await SyncReminderAsync();
        }
        catch (Exception exception)
        {
            logger.LogReminderNotChanged(exception, grain.GetPrimaryKeyString());
        }
    }

    /// <summary>A reminder ticked: true when it is a wake-up (ours or a retired one); any other is removed.</summary>
    private async Task<bool> AcceptTickAsync(string name)
    {
        if (name == ReminderName || Array.IndexOf(RetiredReminderNames, name) >= 0)
            return true;
        logger.LogUnknownReminder(grain.GetPrimaryKeyString(), name);
        await UnregisterAsync(name);
        return false;
    }

    /// <summary>
    /// The reminder's tick was handled: ours is armed for the next deadline or removed; a retired one is removed, and
    /// ours armed as the deadlines need.
    /// </summary>
    private async Task AfterReminderTickAsync(string name)
    {
        if (name == ReminderName)
        {
            await ApplyAsync(schedule.PlanReminderAfterTick(clock.GetUtcNow()));
            return;
        }
        await UnregisterAsync(name);
        await SyncReminderAsync();
    }

    /// <summary>Removes a reminder by name; the one this activation registered needs no lookup round trip.</summary>
    private async Task UnregisterAsync(string name)
    {
        var reminder = name == ReminderName ? _reminder : null;
        if ((reminder ??= await grain.GetReminder(name)) is { } found)
            await grain.UnregisterReminder(found);
    }

    private async Task ApplyAsync(ReminderChange? change)
    {
        if (change is not { } wanted)
            return;
        var now = clock.GetUtcNow();
        try
        {
            if (wanted.Disarm)
            {
                await UnregisterAsync(ReminderName);
                _reminder = null;
            }
            else
                _reminder = await grain.RegisterOrUpdateReminder(ReminderName, wanted.DueTime, wanted.Period);
        }
        catch
        {
            schedule.ForgetReminder(); // an outage arrives as StorageUnavailableException from the reminder table itself
            throw;
        }
        schedule.ReminderChanged(wanted, now);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
