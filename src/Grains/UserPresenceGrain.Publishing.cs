namespace Presence.Orleans.Grains;

/// <summary>
/// Fan-out of changes: to this user's own devices and to connected watchers only, one way, coalesced.
/// </summary>
internal sealed partial class UserPresenceGrain
{
    /// <summary>Watchers with connected devices (a subset of <c>_watchers</c>): the only ones a change is sent to.</summary>
    private readonly HashSet<string> _connectedWatchers = new(StringComparer.Ordinal);

    /// <summary>Newest connection epoch heard from each watcher; older notices are ignored.</summary>
    private readonly Dictionary<string, long> _watcherEpochs = new(StringComparer.Ordinal);

    private IDisposable? _windowTimer;
    private bool _publishPending;

    public Task WatcherConnectionChangedAsync(string subscriber, bool connected, long connectionEpoch, bool resync = false)
    {
        var watcher = NormalizeUsername(subscriber);
        if (ApplyWatcherConnection(watcher, connected, connectionEpoch) && resync && _connectedWatchers.Contains(watcher)
            && _watchers.TryGetValue(watcher, out var expiresAt) && expiresAt > NowSeconds())
        {
            // The watcher drops it unless it is newer than what it already forwarded.
            _ = UserGrain(watcher).DeliverPresenceAsync(Snapshot());
        }
        return Task.CompletedTask;
    }

    /// <summary>Records a watcher's connection state unless an older notice; returns whether it was applied.</summary>
    private bool ApplyWatcherConnection(string watcher, bool connected, long epoch)
    {
        if (_watcherEpochs.TryGetValue(watcher, out var known) && epoch < known)
            return false;
        _watcherEpochs[watcher] = epoch;
        if (connected && _watchers.ContainsKey(watcher))
            _connectedWatchers.Add(watcher);
        else
            _connectedWatchers.Remove(watcher);
        UpdateKeepAlive();
        return true;
    }

    private void ForgetWatcherConnection(string watcher)
    {
        _watcherEpochs.Remove(watcher);
        if (_connectedWatchers.Remove(watcher))
            UpdateKeepAlive();
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
        if (_devices.Count == 0 && _connectedWatchers.Count == 0)
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
    /// One one-way message per own device and per connected watcher with a live subscription: nothing is awaited
    /// and offline watchers are never activated. Each watcher grain checks its own subscription again on arrival.
    /// </summary>
    private void FanOut(PresenceSnapshot snapshot)
    {
        foreach (var device in _devices.Values)
            _ = device.OnPresenceChanged(snapshot);
        if (_connectedWatchers.Count == 0)
            return;

        var now = NowSeconds();
        List<string>? ended = null;
        foreach (var watcher in _connectedWatchers)
        {
            if (_watchers.TryGetValue(watcher, out var expiresAt) && expiresAt > now)
                _ = UserGrain(watcher).DeliverPresenceAsync(snapshot);
            else
                (ended ??= []).Add(watcher);
        }
        if (ended is not null)
        {
            // Their subscriptions ended; a renewal re-admits them as connected.
            foreach (var watcher in ended)
                _connectedWatchers.Remove(watcher);
            UpdateKeepAlive();
        }
        LogFannedOut(GrainKey, snapshot.Version, _connectedWatchers.Count);
    }
}
