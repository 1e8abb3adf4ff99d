namespace Presence.Grains.UnitTests;

public sealed class WakeUpScheduleTests
{
    private static readonly DateTimeOffset Now = Fakes.Start;
    private static readonly PresenceLimits Limits = new();
    private static readonly TimeSpan Retry = WakeUpSchedule.ReminderRetryPeriod;
    private static readonly TimeSpan ConnectionCheck = Limits.ConnectionCheckPeriod;

    private static long Seconds(DateTimeOffset at) => at.ToUnixTimeSeconds();

    /// <summary>A schedule whose reminder is as this activation armed it.</summary>
    private static WakeUpSchedule Armed(WakeUpSchedule schedule, DateTimeOffset now)
    {
        if (schedule.PlanReminder(now) is { } change)
            schedule.ReminderChanged(change, now);
        return schedule;
    }

    [Fact]
    public void Timer_IsAtTheEarliestPreciseDeadline_AndSubscriptionExpiryIsPreciseOnlyWithDevices()
    {
        var schedule = new WakeUpSchedule(Limits);
        schedule.Update(Now, extClearAt: Now + TimeSpan.FromSeconds(30), earliestExpiry: Seconds(Now) + 10, deviceCount: 0, connectionsHoldResources: false);
        Assert.Equal(Now + TimeSpan.FromSeconds(30), schedule.TimerDue);

        schedule.Update(Now, extClearAt: Now + TimeSpan.FromSeconds(30), earliestExpiry: Seconds(Now) + 10, deviceCount: 1, connectionsHoldResources: true);
        Assert.Equal(Now + TimeSpan.FromSeconds(10), schedule.TimerDue);

        schedule.OpenPublishWindow(Now);
        Assert.Equal(Now + Limits.CoalescingWindow, schedule.TimerDue);
    }

    [Fact]
    public void Reminder_IsAtTheEarliestDurableDeadline_AndNoneWithout()
    {
        var schedule = new WakeUpSchedule(Limits);
        schedule.Update(Now, extClearAt: null, earliestExpiry: null, deviceCount: 0, connectionsHoldResources: false);
        Assert.Null(schedule.ReminderDue);

        schedule.Update(Now, extClearAt: Now + TimeSpan.FromSeconds(30), earliestExpiry: Seconds(Now) + 3600, deviceCount: 0, connectionsHoldResources: false);
        Assert.Equal(Now + TimeSpan.FromSeconds(30), schedule.ReminderDue);

        schedule.Update(Now, extClearAt: null, earliestExpiry: Seconds(Now) + 3600, deviceCount: 1, connectionsHoldResources: true);
        Assert.Equal(Now + ConnectionCheck, schedule.ReminderDue);
    }

    [Fact]
    public void Activation_WithoutDurableDeadlines_AssumesNoReminder_AndWritesNothing()
    {
        var schedule = new WakeUpSchedule(Limits);
        schedule.Activated(Now, connectionsHoldResources: false);

        schedule.Update(Now, null, null, 0, false);

        Assert.Null(schedule.PlanReminder(Now));
    }

    [Fact]
    public void Activation_WithADurableDeadline_ArmsTheReminderAnew()
    {
        var schedule = new WakeUpSchedule(Limits);
        schedule.Activated(Now, connectionsHoldResources: false);

        schedule.Update(Now, null, Seconds(Now) + 60, 0, false);

        Assert.Equal(ReminderChange.Arm(TimeSpan.FromSeconds(60), Retry), schedule.PlanReminder(Now));
    }

    [Fact]
    public void Renewal_ThatMovesTheDeadlineLater_KeepsTheArmedReminder()
    {
        var schedule = new WakeUpSchedule(Limits);
        schedule.Update(Now, null, Seconds(Now) + 10, 0, false);
        Armed(schedule, Now);

        schedule.Update(Now, null, Seconds(Now) + 30, 0, false);

        Assert.Null(schedule.PlanReminder(Now));
    }

    [Fact]
    public void EarlierDeadline_MovesTheReminder()
    {
        var schedule = new WakeUpSchedule(Limits);
        schedule.Update(Now, null, Seconds(Now) + 3600, 0, false);
        Armed(schedule, Now);

        schedule.Update(Now, Now + TimeSpan.FromSeconds(30), Seconds(Now) + 3600, 0, false);

        Assert.Equal(ReminderChange.Arm(TimeSpan.FromSeconds(30), Retry), schedule.PlanReminder(Now));
    }

    [Fact]
    public void EarlyTick_ArmsTheReminderForTheRealDeadline()
    {
        var schedule = new WakeUpSchedule(Limits);
        schedule.Update(Now, null, Seconds(Now) + 10, 0, false);
        Armed(schedule, Now);
        schedule.Update(Now, null, Seconds(Now) + 30, 0, false);

        var tick = Now + TimeSpan.FromSeconds(10);
        Assert.Equal(ReminderChange.Arm(TimeSpan.FromSeconds(20), Retry), schedule.PlanReminderAfterTick(tick));
    }

    [Fact]
    public void SteadyConnectionChecks_CostNoReminderWrite()
    {
        var schedule = new WakeUpSchedule(Limits);
        schedule.ExpectConnections(Now);
        schedule.Update(Now, null, null, 1, true);
        Armed(schedule, Now);

        for (var tick = Now + ConnectionCheck; tick < Now + 6 * ConnectionCheck; tick += ConnectionCheck)
        {
            Assert.True(schedule.CheckConnections(tick));
            schedule.Update(tick, null, null, 1, true);
            Assert.Null(schedule.PlanReminderAfterTick(tick));
        }
    }

    [Fact]
    public void Reminder_IsRemoved_WhenTheLastDeadlineGoes()
    {
        var schedule = new WakeUpSchedule(Limits);
        schedule.ExpectConnections(Now);
        schedule.Update(Now, null, null, 1, true);
        Armed(schedule, Now);

        schedule.Update(Now, null, null, 0, false);

        Assert.Equal(ReminderChange.Remove, schedule.PlanReminder(Now));
        schedule.ReminderChanged(ReminderChange.Remove, Now);
        Assert.Null(schedule.PlanReminder(Now));
    }

    [Fact]
    public void Reminder_IsNeverArmedSoonerThanASecond()
    {
        var schedule = new WakeUpSchedule(Limits);
        schedule.Update(Now, Now - TimeSpan.FromSeconds(5), null, 0, false);

        Assert.Equal(ReminderChange.Arm(WakeUpSchedule.MinReminderDueTime, Retry), schedule.PlanReminder(Now));
    }

    [Fact]
    public void TimerWork_TakesWhatIsDue_AndTheLeaseCheckComesAgainAPeriodLater()
    {
        var schedule = new WakeUpSchedule(Limits);
        schedule.Update(Now, Now + TimeSpan.FromMinutes(5), Seconds(Now) + 10, 1, true);
        schedule.OpenPublishWindow(Now);
        Assert.True(schedule.HoldPublish());
        var leaseCheck = Now + schedule.LeaseCheckPeriod;

        Assert.Equal(WakeUp.PublishWindow, schedule.TakeTimerWork(Now + Limits.CoalescingWindow));
        Assert.Equal(WakeUp.SubscriptionExpiry | WakeUp.LeaseCheck, schedule.TakeTimerWork(leaseCheck));
        schedule.Update(leaseCheck, Now + TimeSpan.FromMinutes(5), earliestExpiry: null, 1, true); // the grain ended the subscription

        Assert.Equal(leaseCheck + schedule.LeaseCheckPeriod, schedule.TimerDue);
    }

    [Fact]
    public void FailedTick_WaitsBeforeTryingPastDueWorkAgain()
    {
        var schedule = new WakeUpSchedule(Limits);
        schedule.Update(Now, Now, null, 0, false);

        schedule.TakeTimerWork(Now);
        schedule.TimerFailed(Now);

        Assert.Equal(Now + WakeUpSchedule.TimerRetryDelay, schedule.TimerDue);
    }

    [Fact]
    public void OrphanCheck_GivesDevicesTimeToReconnectAfterActivation_AndIsTakenOnce()
    {
        var schedule = new WakeUpSchedule(Limits);
        var reconnectedBy = Now + Limits.OrphanedConnectionTimeout;
        schedule.Activated(Now, connectionsHoldResources: true);
        schedule.Update(Now, null, null, 0, true);

        Assert.Equal(reconnectedBy, schedule.TimerDue);
        Assert.False(schedule.CheckConnections(Now + TimeSpan.FromSeconds(1))); // a reminder tick right after activation
        Assert.Equal(WakeUp.OrphanCheck, schedule.TakeTimerWork(reconnectedBy));
        Assert.True(schedule.CheckConnections(reconnectedBy));
        Assert.Null(schedule.TimerDue);
    }

    [Fact]
    public void PublishWindow_HoldsChangesUntilItsEnd_AndEndsSilentlyWhenNothingWasHeld()
    {
        var schedule = new WakeUpSchedule(Limits);
        Assert.False(schedule.HoldPublish()); // no window: the change goes out at once

        schedule.OpenPublishWindow(Now);
        var end = Now + Limits.CoalescingWindow;
        Assert.Equal(WakeUp.None, schedule.TakeTimerWork(end));
        Assert.False(schedule.HoldPublish());

        schedule.OpenPublishWindow(end);
        Assert.True(schedule.HoldPublish());
        Assert.True(schedule.HoldPublish());
        Assert.Equal(WakeUp.None, schedule.TakeTimerWork(end + Limits.CoalescingWindow / 2));
        Assert.Equal(WakeUp.PublishWindow, schedule.TakeTimerWork(end + Limits.CoalescingWindow)); // one event for both
        Assert.Equal(WakeUp.None, schedule.TakeTimerWork(end + Limits.CoalescingWindow));
    }

    [Fact]
    public void ZeroCoalescingWindow_SendsEveryChange()
    {
        var schedule = new WakeUpSchedule(new PresenceLimits { CoalescingWindow = TimeSpan.Zero });

        schedule.OpenPublishWindow(Now);

        Assert.False(schedule.HoldPublish());
        Assert.Null(schedule.TimerDue);
    }
}
