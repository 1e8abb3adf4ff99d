namespace Presence.Orleans.Runtime;

/// <summary>What an activation gives its grain: identity, services and runtime facilities.</summary>
internal interface IGrainContext
{
    GrainId GrainId { get; }
    IServiceProvider Services { get; }
    IGrainFactory GrainFactory { get; }
    TimeProvider TimeProvider { get; }
    IGrainStorage Storage { get; }
    IDisposable RegisterTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period);
    Task RegisterOrUpdateReminder(string reminderName, TimeSpan dueTime, TimeSpan period);
    Task UnregisterReminder(string reminderName);
    void DeactivateOnIdle();
    void KeepAlive(bool keepAlive);
}
