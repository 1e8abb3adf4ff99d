namespace Presence.Grains;

/// <summary>
/// One user grain's calls to the other users of its app (<see cref="IUserPresenceProtocol"/>) and to the processes holding
/// its watchers' devices: to the targets it watches (<see cref="IWatchedUsers"/>, awaited) and to its watchers (one way).
/// </summary>
internal sealed class UserGrainCalls(IGrainFactory grains, AppNames app, string self) : IWatchedUsers
{
    public IUserPresenceProtocol User(string username) => ByKey(app.Prefix + username);

    public ValueTask<WatchResult> AdmitAsync(string key, WatchRequest request) => ByKey(key).AdmitWatcherAsync(request);

    public Task ReleaseAsync(string target) => User(target).RemoveWatcherAsync(self);

    /// <summary>One way: tells the targets whether this user has devices connected, and where.</summary>
    public void AnnounceConnection(IEnumerable<string> targets, bool connected, long epoch, bool resync, IPresenceHub[]? hubs)
    {
        foreach (var target in targets)
            _ = User(target).WatcherConnectionChangedAsync(self, connected, epoch, resync, hubs);
    }

    /// <summary>One way: tells the watchers this activation ends, so that they announce themselves to the next one.</summary>
    public void AnnounceReset(IEnumerable<string> watchers)
    {
        foreach (var watcher in watchers)
            _ = User(watcher).TargetResetAsync(self);
    }

    /// <summary>One way: tells <paramref name="target"/> where this user's devices are, and asks for its state.</summary>
    public void AskState(string target, long epoch, IPresenceHub[]? hubs) =>
        _ = User(target).WatcherConnectionChangedAsync(self, true, epoch, resync: true, hubs);

    /// <summary>One way: a change, to each process holding watchers' devices and to each watcher grain without one.</summary>
    public void Deliver(PresenceSnapshot snapshot, FanOutPlan plan)
    {
        foreach (var (hub, watchers) in plan.HubDeliveries)
            _ = hub.OnPresenceChanged(new HubDelivery(app.Org, app.App, snapshot, watchers));
        foreach (var watcher in plan.ThroughGrains)
            _ = User(watcher).DeliverPresenceAsync(snapshot); // which checks its own subscription again
    }

    /// <summary>One way: one watcher's copy of a change, through the <paramref name="hubs"/> of its devices' processes, or its grain.</summary>
    public void DeliverTo(string watcher, IPresenceHub[]? hubs, PresenceSnapshot snapshot)
    {
        if (hubs is null)
        {
            _ = User(watcher).DeliverPresenceAsync(snapshot);
            return;
        }
        var delivery = new HubDelivery(app.Org, app.App, snapshot, [watcher]);
        foreach (var hub in hubs)
            _ = hub.OnPresenceChanged(delivery);
    }

    private IUserPresenceProtocol ByKey(string key) => StringKeyedGrains<IUserPresenceProtocol>.Get(grains, key);
}
