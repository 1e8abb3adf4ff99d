namespace Presence.Orleans.Runtime;

/// <summary>How activations register and cancel their durable reminders.</summary>
internal interface IReminderRegistry
{
    Task RegisterOrUpdateAsync(GrainId grainId, string reminderName, TimeSpan dueTime, TimeSpan period);

    Task UnregisterAsync(GrainId grainId, string reminderName);
}
