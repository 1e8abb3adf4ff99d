namespace Presence.Orleans.Runtime;

/// <summary>Implemented by grains that register durable reminders.</summary>
public interface IRemindable : IGrain
{
    Task ReceiveReminder(string reminderName, TickStatus status);
}

/// <summary>What a reminder tick knows: when it was first due, its period, and when this tick was due.</summary>
public readonly record struct TickStatus(DateTimeOffset FirstTickTime, TimeSpan Period, DateTimeOffset CurrentTickTime);

/// <summary>The request the reminder service sends to a grain; it is a grain call like any other.</summary>
public sealed record ReceiveReminderRequest(string ReminderName, TickStatus Status) : GrainRequest<IRemindable>
{
    public override Task InvokeAsync(IRemindable grain) => grain.ReceiveReminder(ReminderName, Status);
}
