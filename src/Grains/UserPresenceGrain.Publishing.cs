namespace Presence.Orleans.Grains;

/// <summary>
/// Fan-out of changes: to this user's own devices and to connected watchers only, one way, coalesced — once per
/// process holding watchers' devices (<see cref="IPresenceHub"/>), or per watcher grain for devices without a hub.
/// </summary>
internal sealed partial class UserPresenceGrain
{
    /// <summary>
    /// Watchers with connected devices (a subset of <c>_watchers</c>): the only ones a change is sent to. Made on
    /// first use: most users are watched by nobody online.
    /// </summary>
    private HashSet<string>? _connectedWatchers;

    private int ConnectedWatcherCount => _connectedWatchers?.Count ?? 0;

    /// <summary>Connected watchers whose devices all have hubs → those hubs; the others get changes through their grain.</summary>
    private Dictionary<string, IPresenceHub[]>? _watcherHubs;

    /// <summary>The hub set last stored: watchers on the same processes share one array.</summary>
    private IPresenceHub[]? _lastHubs;

    /// <summary>
    /// Newest connection epoch heard from each watcher; older notices are ignored. Epoch 0 (never connected) is not
    /// stored: it orders nothing that a missing entry does not, and most watchers of a user never connect.
    /// </summary>
    private Dictionary<string, long>? _watcherEpochs;

    private IDisposable? _windowTimer;
    private bool _publishPending;

    public Task WatcherConnectionChangedAsync(string subscriber, bool connected, long connectionEpoch, bool resync = false,
        IPresenceHub[]? hubs = null)
    {
        var watcher = NormalizeUsername(subscriber);
        if (ApplyWatcherConnection(watcher, connected, connectionEpoch, hubs) && resync && _connectedWatchers?.Contains(watcher) == true
            && Watchers.TryGetValue(watcher, out var expiresAt) && expiresAt > NowSeconds())
        {
            // The devices drop it unless it is newer than what they already have.
            SendTo(watcher, Snapshot());
        }
        return Task.CompletedTask;
    }

    /// <summary>Records a watcher's connection state unless an older notice; returns whether it was applied.</summary>
    private bool ApplyWatcherConnection(string watcher, bool connected, long epoch, IPresenceHub[]? hubs)
    {
        if (_watcherEpochs is not null && _watcherEpochs.TryGetValue(watcher, out var known) && epoch < known)
            return false;
        if (epoch > 0)
            (_watcherEpochs ??= new(StringComparer.Ordinal))[watcher] = epoch;
        if (connected && Watchers.ContainsKey(watcher))
        {
            (_connectedWatchers ??= new(StringComparer.Ordinal)).Add(watcher);
            if (hubs is { Length: > 0 })
                (_watcherHubs ??= new(StringComparer.Ordinal))[watcher] = SameHubs(hubs, _lastHubs) ? _lastHubs! : _lastHubs = hubs;
            else
                _watcherHubs?.Remove(watcher);
        }
        else
        {
            _connectedWatchers?.Remove(watcher);
            _watcherHubs?.Remove(watcher);
        }
        UpdateKeepAlive();
        return true;
    }

    private void ForgetWatcherConnection(string watcher)
    {
        _watcherEpochs?.Remove(watcher);
        _watcherHubs?.Remove(watcher);
        if (_connectedWatchers?.Remove(watcher) == true)
            UpdateKeepAlive();
    }

    /// <summary>One watcher's copy of a snapshot: through the hubs of its devices' processes, or its grain.</summary>
    private void SendTo(string watcher, PresenceSnapshot snapshot)
    {
        if (_watcherHubs is not null && _watcherHubs.TryGetValue(watcher, out var hubs))
        {
            var delivery = new HubDelivery(_user.Org, _user.App, snapshot, [watcher]);
            foreach (var hub in hubs)
                _ = hub.OnPresenceChanged(delivery);
        }
        else
            _ = UserGrain(watcher).DeliverPresenceAsync(snapshot);
    }

    /// <summary>
    /// Publishes the current state after a change. The first change after a quiet window goes out at once and
    /// opens a window; changes inside it only mark it dirty, and its end sends the state of that moment (and
    /// opens the next window). Each send is the latest state, so versions only ever grow.
    /// </summary>
    private void Publish()
    {
        if (_windowTimer is not null)
        {
            _publishPending = true;
            return;
        }
        if (DeviceCount == 0 && ConnectedWatcherCount == 0)
            return; // nobody to tell, nothing to coalesce
        FanOut(Snapshot());
        if (_limits.CoalescingWindow > TimeSpan.Zero)
            _windowTimer = StartTimer(OnWindowClosedAsync, _limits.CoalescingWindow);
    }

    private Task OnWindowClosedAsync(CancellationToken cancellationToken)
    {
        _windowTimer = null;
        if (_publishPending)
        {
            _publishPending = false;
            Publish();
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// One-way messages only, nothing awaited, offline watchers never activated: one per own device; for connected
    /// watchers with a live subscription, one per process holding their devices (naming them, in chunks of
    /// <see cref="PresenceLimits.MaxWatchersPerDelivery"/>), and one per watcher grain for the watchers whose devices have no hub
    /// (the grain checks its own subscription again on arrival). The subscription check here is what keeps an
    /// ended subscription's events from a hub.
    /// </summary>
    private void FanOut(PresenceSnapshot snapshot)
    {
        foreach (var device in (_devices ?? NoDevices).Values)
            _ = device.OnPresenceChanged(snapshot);
        if (_connectedWatchers is not { Count: > 0 })
            return;

        var now = NowSeconds();
        List<string>? ended = null;
        List<(IPresenceHub Hub, List<string> Watchers)>? batches = null;
        foreach (var watcher in _connectedWatchers)
        {
            if (!Watchers.TryGetValue(watcher, out var expiresAt) || expiresAt <= now)
                (ended ??= []).Add(watcher);
            else if (_watcherHubs is not null && _watcherHubs.TryGetValue(watcher, out var hubs))
            {
                foreach (var hub in hubs)
                    BatchOf(batches ??= [], hub).Add(watcher);
            }
            else
                _ = UserGrain(watcher).DeliverPresenceAsync(snapshot);
        }
        if (batches is not null)
        {
            foreach (var (hub, watchers) in batches)
            {
                var size = _limits.MaxWatchersPerDelivery;
                for (var start = 0; start < watchers.Count; start += size)
                {
                    var chunk = watchers.GetRange(start, Math.Min(size, watchers.Count - start)).ToArray();
                    _ = hub.OnPresenceChanged(new HubDelivery(_user.Org, _user.App, snapshot, chunk));
                }
            }
        }
        if (ended is not null)
        {
            // Their subscriptions ended; a renewal re-admits them as connected.
            foreach (var watcher in ended)
            {
                _connectedWatchers.Remove(watcher);
                _watcherHubs?.Remove(watcher);
            }
            UpdateKeepAlive();
        }
        LogFannedOut(GrainKey, snapshot.Version, _connectedWatchers.Count);
    }

    private static List<string> BatchOf(List<(IPresenceHub Hub, List<string> Watchers)> batches, IPresenceHub hub)
    {
        foreach (var (known, watchers) in batches)
        {
            if (ReferenceEquals(known, hub) || known.GetGrainId() == hub.GetGrainId())
                return watchers;
        }
        var added = new List<string>();
        batches.Add((hub, added));
        return added;
    }
}
