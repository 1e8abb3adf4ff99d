namespace Presence.Grains;

/// <summary>
/// Who watches one user: subscriber → expiry (Unix seconds), the cap on watchers, which of them have devices
/// connected, where those devices are (their processes' hubs) and the newest connection epoch heard from each; and the
/// plan of one change's fan-out. Can hold 100,000+ watchers; the subscriber side owns their rows.
/// </summary>
/// <remarks>
/// Every map is made on first use: most users are watched by nobody, and by nobody online.
/// <paramref name="hubComparer"/> tells whether two hub references name the same process. <paramref name="friends"/>, when
/// given, is the second source of watchers: a friend may be connected without a subscription, and with the app's friend
/// notification on it is sent every change (<see cref="PlanFanOut"/>).
/// </remarks>
internal sealed class WatcherBook(string self, int maxWatchers, IEqualityComparer<IPresenceHub> hubComparer, ContactBook? friends = null)
{
    private Dictionary<string, long>? _expiries;

    /// <summary>Watchers with connected devices (a subset of <see cref="_expiries"/>): the only ones a change is sent to.</summary>
    private HashSet<string>? _connected;

    /// <summary>Connected watchers whose devices all have hubs → those hubs; the others get changes through their grain.</summary>
    private Dictionary<string, IPresenceHub[]>? _hubs;

    /// <summary>The hub set last stored: watchers on the same processes share one array.</summary>
    private IPresenceHub[]? _lastHubs;

    /// <summary>
    /// Newest connection epoch heard from each watcher; older notices are ignored. Epoch 0 (never connected) is not
    /// stored: it orders nothing that a missing entry does not.
    /// </summary>
    private Dictionary<string, long>? _epochs;

    /// <summary>The answer to an admitted watcher, made once per snapshot: the watchers of a user ask in bursts.</summary>
    private WatchResult? _admitted;

    public int Count => _expiries?.Count ?? 0;

    public int ConnectedCount => _connected?.Count ?? 0;

    /// <summary>Watchers with connected devices (live or not).</summary>
    public IEnumerable<string> Connected => _connected ?? Enumerable.Empty<string>();

    /// <summary>The rows of this user as target (in the app of <paramref name="appPrefix"/>), live ones only: the subscriber side owns the rows.</summary>
    public void Load(IReadOnlyList<SubscriptionRow> rows, string appPrefix, long now) =>
        _expiries = ExpiryEntries.FromRows(rows, static row => row.Subscriber, appPrefix, liveAfter: now);

    public bool IsLive(string watcher, long now) => _expiries is not null && _expiries.TryGetValue(watcher, out var expiresAt) && expiresAt > now;

    /// <summary>Whether <paramref name="watcher"/> is sent this user's changes: a live subscription, or a friend while <paramref name="friendsOn"/>.</summary>
    public bool IsWatching(string watcher, long now, bool friendsOn) => IsLive(watcher, now) || (friendsOn && IsFriend(watcher));

    private bool IsFriend(string watcher) => friends?.Contains(watcher) == true;

    /// <summary>
    /// Admits <paramref name="request"/>'s subscriber (<paramref name="watcher"/>, lower-case) until its expiry, with its
    /// connection state, unless this user is full (past the cap, counting only live watchers; a watcher already live is
    /// always re-admitted). False when full. An invalid name, or this user, is refused.
    /// </summary>
    public bool Admit(WatchRequest request, long now, out string watcher)
    {
        watcher = ExpiryEntries.Normalize(request.Subscriber);
        if (!UserKey.IsValidUsername(watcher) || watcher == self)
            throw new ArgumentException($"'{request.Subscriber}' cannot watch this user.", nameof(request));
        var watching = IsLive(watcher, now);
        if (!watching && Count >= maxWatchers)
        {
            // Expired watchers are dropped lazily, only when they might be what makes us look full.
            PurgeExpired(now);
            if (Count >= maxWatchers)
                return false;
        }
        (_expiries ??= new(StringComparer.Ordinal))[watcher] = request.ExpiresAtUnixSeconds;
        ApplyConnection(watcher, request.Connected, request.ConnectionEpoch, request.Hubs);
        return true;
    }

    /// <summary>What a watcher is answered after <see cref="Admit"/>, with this user's current <paramref name="presence"/>.</summary>
    public WatchResult Answer(bool admitted, PresenceSnapshot presence)
    {
        if (!admitted)
            return new WatchResult(false, presence);
        if (_admitted is not { } answer || !ReferenceEquals(answer.Presence, presence))
            _admitted = answer = new WatchResult(true, presence);
        return answer;
    }

    public void Remove(string watcher)
    {
        _expiries?.Remove(watcher);
        if (!IsFriend(watcher))
            ForgetConnection(watcher);
    }

    /// <summary>A friend is no longer one (the <see cref="ContactBook"/> already forgot it): its connection goes unless it still subscribes.</summary>
    public void RemoveFriend(string watcher)
    {
        if (_expiries?.ContainsKey(watcher) != true)
            ForgetConnection(watcher);
    }

    /// <summary>Forgets every watcher (the user was deleted).</summary>
    public void Clear()
    {
        _expiries = null;
        _connected = null;
        _hubs = null;
        _epochs = null;
    }

    /// <summary>Live watchers ordered by uid.</summary>
    public List<SubscriptionEntry> Live(long now) => ExpiryEntries.LiveSorted(_expiries, now);

    /// <summary>
    /// Records a watcher's connection state and where its devices are, unless the notice is older than one already
    /// heard (a lower epoch); returns whether it was applied. Only a current watcher (subscribed or a friend) can be connected.
    /// </summary>
    public bool ApplyConnection(string watcher, bool connected, long epoch, IPresenceHub[]? hubs)
    {
        if (_epochs is not null && _epochs.TryGetValue(watcher, out var known) && epoch < known)
            return false;
        if (epoch > 0)
            (_epochs ??= new(StringComparer.Ordinal))[watcher] = epoch;
        if (connected && ((_expiries is not null && _expiries.ContainsKey(watcher)) || IsFriend(watcher)))
        {
            (_connected ??= new(StringComparer.Ordinal)).Add(watcher);
            if (hubs is { Length: > 0 })
                (_hubs ??= new(StringComparer.Ordinal))[watcher] = HubSets.Same(hubs, _lastHubs, hubComparer) ? _lastHubs! : _lastHubs = hubs;
            else
                _hubs?.Remove(watcher);
        }
        else
        {
            _connected?.Remove(watcher);
            _hubs?.Remove(watcher);
        }
        return true;
    }

    /// <summary>
    /// A watcher's connection notice (<see cref="ApplyConnection"/>); true when it asks for this user's state
    /// (<paramref name="resync"/>) and, connected and still watching, is to be sent it.
    /// </summary>
    public bool ConnectionChanged(string watcher, bool connected, long epoch, IPresenceHub[]? hubs, bool resync, long now, bool friendsOn) =>
        ApplyConnection(watcher, connected, epoch, hubs) && resync && IsConnected(watcher) && IsWatching(watcher, now, friendsOn);

    public bool IsConnected(string watcher) => _connected?.Contains(watcher) == true;

    /// <summary>The processes holding <paramref name="watcher"/>'s devices; null when its changes go through its grain.</summary>
    public IPresenceHub[]? HubsOf(string watcher) => _hubs is not null && _hubs.TryGetValue(watcher, out var hubs) ? hubs : null;

    /// <summary>
    /// Where one change goes: for connected watchers with a live subscription, one delivery per process holding their
    /// devices (naming them, in chunks of <paramref name="maxWatchersPerDelivery"/>), and the watchers whose devices have
    /// no hub, through their grain. Connected watchers whose subscription ended are no longer counted as connected
    /// (a renewal re-admits them as connected). Friends are watchers too while <paramref name="friendsOn"/> (the app's
    /// friend notification); while it is off they are skipped but stay connected, so switching it on needs no reconnect.
    /// </summary>
    public FanOutPlan PlanFanOut(long now, int maxWatchersPerDelivery, bool friendsOn = false)
    {
        if (_connected is not { Count: > 0 })
            return FanOutPlan.Nobody;
        List<string>? ended = null;
        List<string>? throughGrains = null;
        List<(IPresenceHub Hub, List<string> Watchers)>? byHub = null;
        foreach (var watcher in _connected)
        {
            if (IsLive(watcher, now) || (friendsOn && IsFriend(watcher)))
                AddDelivery(watcher, ref byHub, ref throughGrains);
            else if (!IsFriend(watcher))
                (ended ??= []).Add(watcher);
        }
        foreach (var watcher in ended ?? [])
        {
            _connected.Remove(watcher);
            _hubs?.Remove(watcher);
        }
        List<HubBatch>? deliveries = null;
        foreach (var (hub, watchers) in byHub ?? [])
        {
            for (var start = 0; start < watchers.Count; start += maxWatchersPerDelivery)
                (deliveries ??= []).Add(new HubBatch(hub, watchers.GetRange(start, Math.Min(maxWatchersPerDelivery, watchers.Count - start)).ToArray()));
        }
        return new FanOutPlan(deliveries ?? [], throughGrains ?? [], ended?.Count ?? 0);
    }

    private void AddDelivery(string watcher, ref List<(IPresenceHub Hub, List<string> Watchers)>? byHub, ref List<string>? throughGrains)
    {
        if (HubsOf(watcher) is { } hubs)
        {
            foreach (var hub in hubs)
                WatchersOf(byHub ??= [], hub).Add(watcher);
        }
        else
            (throughGrains ??= []).Add(watcher);
    }

    private List<string> WatchersOf(List<(IPresenceHub Hub, List<string> Watchers)> byHub, IPresenceHub hub)
    {
        foreach (var (known, watchers) in byHub)
        {
            if (ReferenceEquals(known, hub) || hubComparer.Equals(known, hub))
                return watchers;
        }
        var added = new List<string>();
        byHub.Add((hub, added));
        return added;
    }

    private void PurgeExpired(long now)
    {
        if (_expiries is null)
            return;
        foreach (var (watcher, expiresAt) in _expiries)
        {
            if (expiresAt <= now)
            {
                _expiries.Remove(watcher); // removing during enumeration is allowed for Dictionary
                if (!IsFriend(watcher))
                    ForgetConnection(watcher);
            }
        }
    }

    private void ForgetConnection(string watcher)
    {
        _epochs?.Remove(watcher);
        _hubs?.Remove(watcher);
        _connected?.Remove(watcher);
    }
}
