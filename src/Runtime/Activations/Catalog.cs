using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Presence.Orleans.Runtime;

/// <summary>
/// The silo's table of activations and the local call path: a call for a grain id finds (or creates) the
/// single activation of that id and queues the call on it. A call whose turn hit a stale ETag is retried once
/// on a fresh activation, so clients never see the fencing of a duplicate.
/// </summary>
internal sealed partial class Catalog : IGrainCallInvoker, IDisposable
{
    private readonly ConcurrentDictionary<GrainId, ActivationData> _activations = new();
    private readonly GrainTypeRegistry _registry;
    private readonly ObserverRegistry _observers;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly Lazy<IGrainFactory> _grainFactory;
    private readonly Lazy<IGrainStorage> _storage;
    private readonly Lazy<IReminderRegistry> _reminders;
    private ITimer? _collector;
    private volatile bool _stopping;

    public Catalog(
        IServiceProvider services,
        GrainTypeRegistry registry,
        ObserverRegistry observers,
        TimeProvider timeProvider,
        IOptions<GrainRuntimeOptions> options,
        ILoggerFactory loggerFactory)
    {
        Services = services;
        _registry = registry;
        _observers = observers;
        TimeProvider = timeProvider;
        Options = options.Value;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<Catalog>();
        _grainFactory = new(services.GetRequiredService<IGrainFactory>);
        _storage = new(services.GetRequiredService<IGrainStorage>);
        _reminders = new(services.GetRequiredService<IReminderRegistry>);
    }

    public IServiceProvider Services { get; }
    public TimeProvider TimeProvider { get; }
    public GrainRuntimeOptions Options { get; }
    public IGrainFactory GrainFactory => _grainFactory.Value;
    public IGrainStorage Storage => _storage.Value;
    public IReminderRegistry Reminders => _reminders.Value;

    /// <summary>Number of live activations (diagnostics and tests).</summary>
    public int ActivationCount => _activations.Count;

    public async Task<TResult> InvokeAsync<TGrain, TResult>(GrainId grainId, GrainRequest<TGrain, TResult> request)
        where TGrain : IGrain
    {
        for (var attempt = 0; ; attempt++)
        {
            var item = new RequestWorkItem<TGrain, TResult>(request);
            Enqueue(grainId, item);
            try
            {
                return await item.Task;
            }
            catch (InconsistentStateException) when (attempt == 0)
            {
                LogRetryAfterFencing(grainId, item.Name);
            }
        }
    }

    public async Task InvokeAsync<TGrain>(GrainId grainId, GrainRequest<TGrain> request)
        where TGrain : IGrain
    {
        for (var attempt = 0; ; attempt++)
        {
            var item = new CommandWorkItem<TGrain>(request);
            Enqueue(grainId, item);
            try
            {
                await item.Task;
                return;
            }
            catch (InconsistentStateException) when (attempt == 0)
            {
                LogRetryAfterFencing(grainId, item.Name);
            }
        }
    }

    public void InvokeOneWay<TGrain>(GrainId grainId, GrainRequest<TGrain> request)
        where TGrain : IGrain
    {
        if (ObserverRegistry.IsObserver(grainId))
        {
            _observers.Invoke(grainId, request);
            return;
        }
        var item = new CommandWorkItem<TGrain>(request);
        Enqueue(grainId, item);
        item.Task.ContinueWith(
            static (task, state) => ((Catalog)state!).LogOneWayFailed(task.Exception!.GetBaseException()),
            this,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>Queues an item that a deactivating activation could not run.</summary>
    public void Reroute(GrainId grainId, WorkItem item) => Enqueue(grainId, item);

    private void Enqueue(GrainId grainId, WorkItem item)
    {
        while (true)
        {
            if (_stopping)
            {
                item.Fail(new InvalidOperationException("The silo is shutting down."));
                return;
            }
            var activation = GetOrCreateActivation(grainId);
            if (activation.TryEnqueue(item))
                return;
            // It began deactivating between lookup and enqueue: the next lookup replaces it.
        }
    }

    private ActivationData GetOrCreateActivation(GrainId grainId)
    {
        while (true)
        {
            if (_activations.TryGetValue(grainId, out var current))
            {
                if (current.IsAccepting)
                    return current;
                // The successor waits for this one to finish before loading state.
                var successor = CreateActivation(grainId, current);
                if (_activations.TryUpdate(grainId, successor, current))
                    return successor;
                continue;
            }
            var created = CreateActivation(grainId, predecessor: null);
            if (_activations.TryAdd(grainId, created))
                return created;
        }
    }

    private ActivationData CreateActivation(GrainId grainId, ActivationData? predecessor) =>
        new(this, grainId, _registry.GetClass(grainId.Type), predecessor, _loggerFactory.CreateLogger<ActivationData>());

    public void OnDeactivated(ActivationData activation) =>
        _activations.TryRemove(new KeyValuePair<GrainId, ActivationData>(activation.GrainId, activation));

    /// <summary>The current activation of a grain, if any (tests and diagnostics).</summary>
    internal ActivationData? FindActivation(GrainId grainId) => _activations.GetValueOrDefault(grainId);

    public void StartCollector() =>
        _collector ??= TimeProvider.CreateTimer(static s => ((Catalog)s!).OnCollectorTick(), this, Options.CollectionQuantum, Options.CollectionQuantum);

    private void OnCollectorTick()
    {
        try
        {
            CollectIdle();
        }
        catch (Exception exception)
        {
            LogCollectionFailed(exception);
        }
    }

    /// <summary>Deactivates every activation idle for at least the collection age; returns how many.</summary>
    public int CollectIdle()
    {
        var collected = 0;
        foreach (var activation in _activations.Values)
        {
            if (activation.IsCollectable(Options.CollectionAge) && activation.RequestDeactivation(DeactivationReason.Idle))
                collected++;
        }
        if (collected > 0)
            LogCollected(collected);
        return collected;
    }

    /// <summary>Deactivates one grain's activation, if any, and waits for it (tests, migrations).</summary>
    public async Task DeactivateAsync(GrainId grainId)
    {
        if (_activations.TryGetValue(grainId, out var activation))
        {
            activation.RequestDeactivation(DeactivationReason.Requested);
            await activation.Completion;
        }
    }

    /// <summary>Stops accepting calls and deactivates every activation, waiting up to the deactivation timeout.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        _collector?.Dispose();
        var activations = _activations.Values.ToArray();
        foreach (var activation in activations)
            activation.RequestDeactivation(DeactivationReason.Shutdown);
        var all = Task.WhenAll(activations.Select(a => a.Completion));
        await all.WaitAsync(Options.DeactivationTimeout, TimeProvider, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _collector?.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Retrying {Request} on {GrainId} after its activation was fenced")]
    private partial void LogRetryAfterFencing(GrainId grainId, string request);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A one-way grain call failed")]
    private partial void LogOneWayFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Idle collection failed")]
    private partial void LogCollectionFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Collected {Count} idle activations")]
    private partial void LogCollected(int count);
}
