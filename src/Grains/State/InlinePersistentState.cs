using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Serialization.Activators;
using Orleans.Storage;

namespace Presence.Grains;

/// <summary>
/// A grain's <see cref="IPersistentState{TState}"/> that calls its grain storage provider on the caller's turn.
/// </summary>
/// <remarks>
/// Orleans 10's own bridge starts every storage operation with a forced yield to the activation's scheduler, so even a
/// provider that completes at once (the memory one) completes each write asynchronously, and every <c>await</c> up the
/// grain call — ours and Orleans' invoker, about eight — resumes through a scheduled continuation (a task, an action
/// and a work item each). That was a seventh of a status change (R1) on two cores. Here an operation starts at once
/// when none is in flight, which is the usual case: a grain awaits its writes. Operations that interleaved turns start
/// while another is in flight run after it, in call order, as Orleans' bridge runs them. Only the load at activation
/// yields first (<see cref="LoadAsync"/>).
/// Differences from Orleans' bridge, none of which this service relies on: provider exceptions reach the grain as
/// thrown (Orleans wraps all but its own in an <c>OrleansException</c>); no storage spans or latency instruments; no
/// part in activation migration (a migrated activation reads its state again).
/// </remarks>
internal sealed partial class InlinePersistentState<TState> : IPersistentState<TState>, ILifecycleObserver
{
    private readonly string _stateName;
    private readonly GrainId _grainId;
    private readonly IGrainStorage _storage;
    private readonly IActivator<TState> _activator;
    private readonly ILogger _logger;
    private GrainState<TState>? _grainState;
    private bool _loaded;

    /// <summary>The last operation started; the next waits for it unless it has completed.</summary>
    private Task? _last;

    /// <summary>Also subscribe it to the grain's lifecycle (<see cref="InlinePersistentStateFactory"/> does), so that it loads at activation.</summary>
    public InlinePersistentState(string stateName, GrainId grainId, IGrainStorage storage, IActivator<TState> activator, ILogger logger)
    {
        _stateName = stateName;
        _grainId = grainId;
        _storage = storage;
        _activator = activator;
        _logger = logger;
    }

    private GrainState<TState> GrainState => _grainState ??= new GrainState<TState>(_activator.Create());

    public TState State
    {
        get => GrainState.State!;
        set => GrainState.State = value;
    }

    public string? Etag => _grainState?.ETag;

    public bool RecordExists => _loaded ? GrainState.RecordExists : throw new InvalidOperationException("State has not yet been loaded");

    public Task ReadStateAsync() => Start(Operation.Read);

    public Task WriteStateAsync() => Start(Operation.Write);

    public Task ClearStateAsync() => Start(Operation.Clear);

    /// <summary>Loads the state before the grain's <c>OnActivateAsync</c>, always after a yield: see <see cref="LoadAsync"/>.</summary>
    Task ILifecycleObserver.OnStart(CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested ? Task.CompletedTask : LoadAsync();

    /// <summary>
    /// Orleans starts an activation's message loop while it holds the activation's lock (<c>ActivationData.Start</c>). Were
    /// the activation to complete on that stack, its first requests would run under the lock, and two new activations that
    /// call each other from their first requests (users subscribing to each other) would each wait for the other's lock
    /// for ever. Orleans' bridge yields before every operation; the load, once per activation, keeps that yield.
    /// </summary>
    private async Task LoadAsync()
    {
        await Task.Yield(); // to the activation's scheduler: TaskScheduler.Current
        await ReadStateAsync();
    }

    Task ILifecycleObserver.OnStop(CancellationToken cancellationToken) => Task.CompletedTask;

    private Task Start(Operation operation)
    {
        var started = _last is null || _last.IsCompleted ? RunAsync(operation) : RunAfterAsync(_last, operation);
        _last = started;
        return started;
    }

    private async Task RunAfterAsync(Task predecessor, Operation operation)
    {
        // Its own caller sees its failure; this one runs regardless, back on the grain's turn.
        await predecessor.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        await RunAsync(operation);
    }

    private async Task RunAsync(Operation operation)
    {
        try
        {
            switch (operation)
            {
                case Operation.Read:
                    await _storage.ReadStateAsync(_stateName, _grainId, GrainState);
                    _loaded = true;
                    break;
                case Operation.Write:
                    await _storage.WriteStateAsync(_stateName, _grainId, GrainState);
                    break;
                default:
                    await _storage.ClearStateAsync(_stateName, _grainId, GrainState);
                    break;
            }
        }
        catch (Exception exception)
        {
            LogOperationFailed(exception, operation, _stateName, _grainId);
            throw;
        }
    }

    private enum Operation
    {
        Read,
        Write,
        Clear,
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Grain storage {Operation} of state {StateName} for {GrainId} failed")]
    private partial void LogOperationFailed(Exception exception, Operation operation, string stateName, GrainId grainId);
}
