using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Presence.Orleans.Runtime;

/// <summary>
/// One activation of one grain: its instance, its queue of turns and its lifecycle
/// (created → activating → valid → deactivating → invalid). A single loop runs the queued turns one at a
/// time in arrival order, each to completion, which is what makes grain code single-threaded.
/// Items that arrive after deactivation started are handed back to the catalog, which queues them on the
/// next activation; that one waits for this one to finish before it loads state.
/// </summary>
internal sealed partial class ActivationData : IGrainContext
{
    private readonly Catalog _catalog;
    private readonly Type _grainClass;
    private readonly ActivationData? _predecessor;
    private readonly Channel<WorkItem> _queue = Channel.CreateUnbounded<WorkItem>();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HashSet<GrainTimer> _timers = [];
    private readonly object _lock = new();
    private readonly ILogger _logger;
    private int _started;
    private bool _accepting = true;
    private bool _deactivateWhenIdle;
    private bool _keepAlive;
    private long _lastActivityTimestamp;
    private int _busy;

    public ActivationData(Catalog catalog, GrainId grainId, Type grainClass, ActivationData? predecessor, ILogger logger)
    {
        _catalog = catalog;
        GrainId = grainId;
        _grainClass = grainClass;
        _predecessor = predecessor;
        _logger = logger;
        _lastActivityTimestamp = catalog.TimeProvider.GetTimestamp();
    }

    public GrainId GrainId { get; }

    public IServiceProvider Services => _catalog.Services;

    public IGrainFactory GrainFactory => _catalog.GrainFactory;

    public TimeProvider TimeProvider => _catalog.TimeProvider;

    public IGrainStorage Storage => _catalog.Storage;

    /// <summary>Completes when this activation has fully deactivated (or failed to activate).</summary>
    public Task Completion => _completion.Task;

    /// <summary>The grain instance, once activated (tests and diagnostics).</summary>
    public Grain? Grain { get; private set; }

    public bool IsAccepting
    {
        get
        {
            lock (_lock)
                return _accepting;
        }
    }

    /// <summary>Queues a turn; false once the activation stopped accepting (the caller must re-route).</summary>
    public bool TryEnqueue(WorkItem item)
    {
        lock (_lock)
        {
            if (!_accepting)
                return false;
            _queue.Writer.TryWrite(item);
        }
        if (Interlocked.Exchange(ref _started, 1) == 0)
            _ = Task.Run(RunAsync);
        return true;
    }

    /// <summary>True when nothing keeps the activation and it has been idle for at least <paramref name="age"/>.</summary>
    public bool IsCollectable(TimeSpan age)
    {
        lock (_lock)
        {
            if (!_accepting || _keepAlive || _timers.Count > 0 || Volatile.Read(ref _busy) != 0 || _queue.Reader.Count > 0)
                return false;
        }
        return TimeProvider.GetElapsedTime(Volatile.Read(ref _lastActivityTimestamp)) >= age;
    }

    private async Task RunAsync()
    {
        if (_predecessor is not null)
            await _predecessor.Completion;

        var activationError = await ActivateAsync();
        if (activationError is not null)
        {
            StopAccepting();
            while (_queue.Reader.TryRead(out var pending))
                pending.Fail(activationError);
            Finish();
            return;
        }

        var reason = await RunTurnsAsync();
        await DeactivateAsync(reason);
    }

    private async Task<Exception?> ActivateAsync()
    {
        try
        {
            var grain = (Grain)ActivatorUtilities.CreateInstance(Services, _grainClass);
            grain.Context = this;
            Grain = grain;
            if (grain is IStatefulGrain stateful)
                await stateful.LoadStateAsync(CancellationToken.None);
            await grain.OnActivateAsync(CancellationToken.None);
            LogActivated(GrainId);
            return null;
        }
        catch (Exception exception)
        {
            LogActivationFailed(exception, GrainId);
            return exception;
        }
    }

    private async Task<DeactivationReason> RunTurnsAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            while (reader.TryRead(out var item))
            {
                if (item is DeactivateWorkItem deactivate)
                    return deactivate.Reason;

                Volatile.Write(ref _busy, 1);
                var started = TimeProvider.GetTimestamp();
                await item.ExecuteAsync(Grain!);
                var elapsed = TimeProvider.GetElapsedTime(started);
                Volatile.Write(ref _lastActivityTimestamp, TimeProvider.GetTimestamp());
                Volatile.Write(ref _busy, 0);

                if (elapsed > _catalog.Options.TurnWarningThreshold)
                    LogLongTurn(GrainId, item.Name, elapsed.TotalMilliseconds);
                if (item.FencedOut)
                {
                    LogFenced(GrainId, item.Name);
                    return DeactivationReason.InconsistentState;
                }
                if (_deactivateWhenIdle && reader.Count == 0)
                    return DeactivationReason.Requested;
            }
        }
        return DeactivationReason.Shutdown;
    }

    private async Task DeactivateAsync(DeactivationReason reason)
    {
        StopAccepting();
        // Whatever was queued behind the stop goes to the next activation, in order.
        while (_queue.Reader.TryRead(out var pending))
        {
            if (pending is not DeactivateWorkItem && pending is not GrainTimer)
                _catalog.Reroute(GrainId, pending);
        }

        GrainTimer[] timers;
        lock (_lock)
            timers = [.. _timers];
        foreach (var timer in timers)
            timer.Dispose();

        try
        {
            await Grain!.OnDeactivateAsync(reason, CancellationToken.None);
        }
        catch (Exception exception)
        {
            LogDeactivationFailed(exception, GrainId);
        }
        LogDeactivated(GrainId, reason);
        Finish();
    }

    private void StopAccepting()
    {
        lock (_lock)
            _accepting = false;
        _queue.Writer.TryComplete();
    }

    private void Finish()
    {
        _catalog.OnDeactivated(this);
        _completion.TrySetResult();
    }

    /// <summary>Queues a deactivation behind the turns already queued.</summary>
    public bool RequestDeactivation(DeactivationReason reason) => TryEnqueue(new DeactivateWorkItem(reason));

    public IDisposable RegisterTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new GrainTimer(this, callback, dueTime, period, TimeProvider);
        lock (_lock)
            _timers.Add(timer);
        return timer;
    }

    public void OnTimerDisposed(GrainTimer timer)
    {
        lock (_lock)
            _timers.Remove(timer);
    }

    public void OnTimerFailed(Exception exception) => LogTimerFailed(exception, GrainId);

    public Task RegisterOrUpdateReminder(string reminderName, TimeSpan dueTime, TimeSpan period) =>
        _catalog.Reminders.RegisterOrUpdateAsync(GrainId, reminderName, dueTime, period);

    public Task UnregisterReminder(string reminderName) => _catalog.Reminders.UnregisterAsync(GrainId, reminderName);

    public void DeactivateOnIdle() => _deactivateWhenIdle = true;

    public void KeepAlive(bool keepAlive)
    {
        lock (_lock)
            _keepAlive = keepAlive;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Activated {GrainId}")]
    private partial void LogActivated(GrainId grainId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Activation of {GrainId} failed")]
    private partial void LogActivationFailed(Exception exception, GrainId grainId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Deactivated {GrainId} ({Reason})")]
    private partial void LogDeactivated(GrainId grainId, DeactivationReason reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "OnDeactivateAsync of {GrainId} failed")]
    private partial void LogDeactivationFailed(Exception exception, GrainId grainId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Turn {Turn} of {GrainId} took {ElapsedMs} ms")]
    private partial void LogLongTurn(GrainId grainId, string turn, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{GrainId} was fenced by a stale state write in {Turn}; deactivating")]
    private partial void LogFenced(GrainId grainId, string turn);

    [LoggerMessage(Level = LogLevel.Error, Message = "A timer callback of {GrainId} failed")]
    private partial void LogTimerFailed(Exception exception, GrainId grainId);
}
