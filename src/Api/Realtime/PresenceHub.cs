using Presence.Grains;

namespace Presence.Api;

/// <summary>
/// This process's <see cref="IPresenceHub"/>: a change arrives once, with the watchers whose devices are here, and is
/// written to their sockets as one frame serialized once. Orleans runs an observer's calls one at a time, in arrival
/// order, so a large delivery holds no grain turn: the target sent it and moved on.
/// </summary>
internal sealed class PresenceHub(PresenceConnectionRegistry connections, IGrainFactory grains) : IPresenceHub
{
    private readonly Lock _referenceLock = new();
    private IPresenceHub? _reference;

    /// <summary>How grains reach this process (created once; Orleans holds the hub weakly, this singleton strongly).</summary>
    public IPresenceHub Reference
    {
        get
        {
            if (Volatile.Read(ref _reference) is { } reference)
                return reference;
            lock (_referenceLock)
                return _reference ??= grains.CreateObjectReference<IPresenceHub>(this);
        }
    }

    public Task OnPresenceChanged(HubDelivery delivery)
    {
        SerializedEventFrame? frame = null;
        foreach (var watcher in delivery.Watchers)
        {
            foreach (var connection in connections.ConnectionsOf(new UserKey(delivery.Org, delivery.App, watcher)))
                connection.Deliver(delivery.Presence, frame ??= new SerializedEventFrame(delivery.Presence));
        }
        return Task.CompletedTask;
    }

    /// <summary>The same write to every socket of this process, no grain involved: the fan-out baseline of the benchmarks.</summary>
    public int Broadcast(PresenceSnapshot presence)
    {
        var frame = new SerializedEventFrame(presence);
        var count = 0;
        foreach (var connection in connections.Connections)
        {
            connection.Deliver(presence, frame);
            count++;
        }
        return count;
    }
}
