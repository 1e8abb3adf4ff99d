using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Presence.Orleans.Runtime;

/// <summary>
/// Local objects that grains may call one way (observers). An observer id is a grain id whose key starts with
/// <see cref="KeyPrefix"/> and a unique token. Calls run inline on the caller's turn, so an observer sees calls
/// from one grain in the order that grain made them; it must therefore return quickly.
/// </summary>
internal sealed partial class ObserverRegistry(ILogger<ObserverRegistry> logger)
{
    public const string KeyPrefix = "observer:";

    private readonly ConcurrentDictionary<GrainId, object> _observers = new();
    private readonly ILogger _logger = logger;

    public static bool IsObserver(GrainId grainId) => grainId.Key.StartsWith(KeyPrefix, StringComparison.Ordinal);

    public int Count => _observers.Count;

    public GrainId Register(string grainType, object observer)
    {
        var id = new GrainId(grainType, KeyPrefix + Guid.NewGuid().ToString("N"));
        _observers[id] = observer;
        return id;
    }

    public void Unregister(GrainId grainId) => _observers.TryRemove(grainId, out _);

    public void Invoke<TGrain>(GrainId grainId, GrainRequest<TGrain> request)
        where TGrain : IGrain
    {
        if (!_observers.TryGetValue(grainId, out var observer))
        {
            LogDropped(grainId, request.GetType().Name);
            return;
        }
        try
        {
            var pending = request.InvokeAsync((TGrain)observer);
            if (!pending.IsCompletedSuccessfully)
                _ = ObserveAsync(pending, grainId);
        }
        catch (Exception exception)
        {
            LogFailed(exception, grainId);
        }
    }

    private async Task ObserveAsync(Task pending, GrainId grainId)
    {
        try
        {
            await pending;
        }
        catch (Exception exception)
        {
            LogFailed(exception, grainId);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Dropped {Request} for {ObserverId}: the observer is gone")]
    private partial void LogDropped(GrainId observerId, string request);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Observer {ObserverId} failed")]
    private partial void LogFailed(Exception exception, GrainId observerId);
}
