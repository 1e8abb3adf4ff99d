namespace Presence.Testing;

/// <summary>
/// A view of another clock whose timers fire a little after the time they were asked for. Give it to Orleans'
/// reminder service (key <c>ReminderTimeProviderNames.Reminders</c>) when that service runs on a
/// <see cref="ManualTimeProvider"/>: the service waits for absolute deadlines with a loop of <c>Task.Delay</c>
/// calls, and <c>Task.Delay(TimeSpan, TimeProvider)</c> truncates to whole milliseconds. A deadline with a
/// sub-millisecond remainder (its first table refresh is staggered by a random number of ticks) then gets a timer
/// that fires just short of it; the loop finds a remainder under a millisecond, which <c>Task.Delay</c> completes at
/// once, and it spins forever inside <see cref="ManualTimeProvider.Advance"/>, which never moves the clock again.
/// Padding every timer by a millisecond puts the clock past such deadlines when the timer fires. Reminders fire that
/// much after their due time, so a test moves the clock past a reminder's due time, not onto it.
/// </summary>
public sealed class PaddedTimeProvider(TimeProvider clock, TimeSpan padding) : TimeProvider
{
    public PaddedTimeProvider(TimeProvider clock)
        : this(clock, TimeSpan.FromMilliseconds(1))
    {
    }

    public override DateTimeOffset GetUtcNow() => clock.GetUtcNow();

    public override long GetTimestamp() => clock.GetTimestamp();

    public override long TimestampFrequency => clock.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => clock.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        new PaddedTimer(clock.CreateTimer(callback, state, Pad(dueTime), period), this);

    private TimeSpan Pad(TimeSpan dueTime) => dueTime == Timeout.InfiniteTimeSpan ? dueTime : dueTime + padding;

    private sealed class PaddedTimer(ITimer timer, PaddedTimeProvider owner) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => timer.Change(owner.Pad(dueTime), period);

        public void Dispose() => timer.Dispose();

        public ValueTask DisposeAsync() => timer.DisposeAsync();
    }
}
