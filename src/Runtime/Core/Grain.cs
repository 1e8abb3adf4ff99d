namespace Presence.Orleans.Runtime;

/// <summary>
/// Base class of grain implementations. The runtime creates one instance per activation and runs its
/// calls one at a time, in arrival order (turn-based): grain code needs no locks. Everything a grain
/// touches goes through this class, so the same grain runs in a single process or in a cluster.
/// </summary>
public abstract class Grain
{
    private IGrainContext? _context;

    internal IGrainContext Context
    {
        get => _context ?? throw new InvalidOperationException("The grain is not attached to an activation.");
        set => _context = value;
    }

    protected GrainId GrainId => Context.GrainId;

    /// <summary>The string key this grain was addressed by.</summary>
    protected string GrainKey => Context.GrainId.Key;

    protected IGrainFactory GrainFactory => Context.GrainFactory;

    protected TimeProvider TimeProvider => Context.TimeProvider;

    protected IServiceProvider ServiceProvider => Context.Services;

    /// <summary>Runs before the first call is delivered; state of <see cref="Grain{TState}"/> is already loaded.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs after the last call of this activation; it must not throw.</summary>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Registers an in-memory timer whose callback runs as a turn of this activation (never concurrently
    /// with a call). A zero or infinite <paramref name="period"/> fires once. Disposing cancels it; it dies
    /// with the activation. Pending timers keep the activation alive.
    /// </summary>
    protected IDisposable RegisterTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period)
        => Context.RegisterTimer(callback, dueTime, period);

    /// <summary>
    /// Registers (or replaces) a durable reminder: it survives deactivation and process death and is
    /// delivered at least once to <see cref="IRemindable.ReceiveReminder"/>. A zero period fires once.
    /// </summary>
    protected Task RegisterOrUpdateReminder(string reminderName, TimeSpan dueTime, TimeSpan period)
        => Context.RegisterOrUpdateReminder(reminderName, dueTime, period);

    protected Task UnregisterReminder(string reminderName) => Context.UnregisterReminder(reminderName);

    /// <summary>Deactivates this activation once the current turn finishes.</summary>
    protected void DeactivateOnIdle() => Context.DeactivateOnIdle();

    /// <summary>While set, idle collection leaves this activation alone (e.g. devices are connected).</summary>
    protected void KeepAlive(bool keepAlive) => Context.KeepAlive(keepAlive);
}
