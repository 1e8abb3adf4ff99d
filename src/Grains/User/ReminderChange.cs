namespace Presence.Grains;

/// <summary>What the user's one reminder needs (<see cref="WakeUpSchedule.PlanReminder"/>): armed anew, or removed.</summary>
internal readonly record struct ReminderChange(bool Disarm, TimeSpan DueTime, TimeSpan Period)
{
    public static ReminderChange Remove => new(true, TimeSpan.Zero, TimeSpan.Zero);

    public static ReminderChange Arm(TimeSpan dueTime, TimeSpan period) => new(false, dueTime, period);
}
