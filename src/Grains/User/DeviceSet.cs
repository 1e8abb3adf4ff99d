namespace Presence.Grains;

/// <summary>
/// One user's connected devices: resource → the device's connection, its process's hub and its lease; the connection
/// epoch and the hubs last announced to the users this one watches.
/// </summary>
/// <remarks>
/// Leases are measured on <paramref name="leaseClock"/>, real time in production like Orleans' own membership: they tell
/// whether a process is alive, not what the grain's clock says. The comparers tell whether two references name the
/// same connection or process. Methods that change what the watched users must know return an
/// <see cref="Announcement"/>; the grain sends it. Calls to devices are one way, so nothing here waits for one.
/// </remarks>
internal sealed class DeviceSet(
    IEqualityComparer<IPresenceObserver> deviceComparer,
    IEqualityComparer<IPresenceHub> hubComparer,
    TimeProvider leaseClock,
    TimeProvider epochClock)
{
    private Dictionary<string, ConnectedDevice>? _devices;

    /// <summary>What a user without devices enumerates; never written (made on first use: most users have none).</summary>
    private static readonly Dictionary<string, ConnectedDevice> NoDevices = new();

    public int Count => _devices?.Count ?? 0;

    /// <summary>
    /// Grows with each change between "some device connected" and "none", and with each change of where devices are:
    /// watched users keep the newest they heard, so notices that overtake each other cannot leave one believing an old state.
    /// </summary>
    public long ConnectionEpoch { get; private set; }

    /// <summary>The hubs the watched users were last told (with <see cref="ConnectionEpoch"/>); null: through this grain.</summary>
    public IPresenceHub[]? AnnouncedHubs { get; private set; }

    /// <summary>One way, to every device: <paramref name="presence"/> (this user's or a watched user's) changed.</summary>
    public void Send(PresenceSnapshot presence)
    {
        foreach (var device in (_devices ?? NoDevices).Values)
            _ = device.Observer.OnPresenceChanged(presence);
    }

    /// <summary>One way, to every device: these subscriptions ended without the user asking.</summary>
    public void SendSubscriptionsEnded(IReadOnlyCollection<string> targets, SubscriptionEndReason reason)
    {
        foreach (var device in (_devices ?? NoDevices).Values)
        {
            foreach (var target in targets)
                _ = device.Observer.OnSubscriptionEnded(target, reason);
        }
    }

    /// <summary>One way, to every device: the grain no longer counts it as connected (the devices stay registered here).</summary>
    public void EndSessions(SessionEndReason reason)
    {
        foreach (var device in (_devices ?? NoDevices).Values)
            _ = device.Observer.OnSessionEnded(reason);
    }

    public bool Has(string resource) => _devices?.ContainsKey(resource) == true;

    /// <summary>Whether <paramref name="device"/> is the connection registered for <paramref name="resource"/>.</summary>
    public bool IsCurrent(string resource, IPresenceObserver device) =>
        _devices is not null && _devices.TryGetValue(resource, out var current) && deviceComparer.Equals(current.Observer, device);

    /// <summary>The connection registered for <paramref name="resource"/> other than <paramref name="device"/>, if any.</summary>
    public IPresenceObserver? Other(string resource, IPresenceObserver device) =>
        _devices is not null && _devices.TryGetValue(resource, out var current) && !deviceComparer.Equals(current.Observer, device)
            ? current.Observer
            : null;

    /// <summary>
    /// Registers (or replaces) the device of a resource with a fresh lease. The first device is a change of connection;
    /// a device in a process not yet announced is a change of where; with <paramref name="resync"/> the watched users are
    /// asked for their state even when nothing changed.
    /// </summary>
    public Announcement? Add(string resource, IPresenceObserver device, IPresenceHub? hub, bool resync)
    {
        var wasConnected = Count > 0;
        (_devices ??= new(StringComparer.Ordinal))[resource] = new ConnectedDevice(device, hub, leaseClock.GetTimestamp());
        if (!wasConnected)
            return Announce(connected: true, resync, connectionChanged: true);
        if (!HubSets.Same(DeliveryHubs(), AnnouncedHubs, hubComparer))
            return Announce(connected: true, resync, connectionChanged: false);
        return resync ? AnnounceAgain() : null;
    }

    /// <summary>Renews the lease of <paramref name="resource"/>'s device.</summary>
    public void Renew(string resource)
    {
        if (_devices is not null && _devices.TryGetValue(resource, out var current))
            _devices[resource] = current with { RenewedAt = leaseClock.GetTimestamp() };
    }

    /// <summary>The current state told again (no new epoch): a watched user may have missed it.</summary>
    public Announcement AnnounceAgain() => new(Count > 0, Resync: true, ConnectionChanged: false);

    /// <summary>Drops devices; the last one leaving is a change of connection, a process no longer holding any a change of where.</summary>
    public Announcement? Remove(IEnumerable<string> resources)
    {
        var removed = false;
        foreach (var resource in resources)
            removed |= _devices?.Remove(resource) == true;
        if (!removed)
            return null;
        if (Count == 0)
            return Announce(connected: false, resync: false, connectionChanged: true);
        return HubSets.Same(DeliveryHubs(), AnnouncedHubs, hubComparer) ? null : Announce(connected: true, resync: false, connectionChanged: false);
    }

    /// <summary>One way, to the devices whose resource <paramref name="ends"/>: their session ended; they are dropped.</summary>
    public Announcement? End(Func<string, bool> ends, SessionEndReason reason)
    {
        if (Count == 0)
            return null;
        var ended = (_devices ?? []).Where(p => ends(p.Key)).Select(p => (p.Key, p.Value.Observer)).ToList();
        foreach (var (_, device) in ended)
            _ = device.OnSessionEnded(reason);
        return Remove(ended.Select(static d => d.Key));
    }

    /// <summary>Resources whose device's lease was not renewed within <paramref name="timeout"/>: their process died.</summary>
    public List<(string Resource, IPresenceObserver Device)> ExpiredLeases(TimeSpan timeout)
    {
        List<(string, IPresenceObserver)>? expired = null;
        foreach (var (resource, device) in _devices ?? [])
        {
            if (leaseClock.GetElapsedTime(device.RenewedAt) > timeout)
                (expired ??= []).Add((resource, device.Observer));
        }
        return expired ?? [];
    }

    /// <summary>
    /// A watched user believes we are connected though we are not (a lost activation, a lost notice): a new epoch, so
    /// that the correction outranks what it heard.
    /// </summary>
    public long NextEpoch() => ConnectionEpoch = Math.Max(ConnectionEpoch + 1, epochClock.GetUtcNow().UtcTicks);

    private Announcement Announce(bool connected, bool resync, bool connectionChanged)
    {
        NextEpoch();
        AnnouncedHubs = connected ? DeliveryHubs() : null;
        return new Announcement(connected, resync, connectionChanged);
    }

    /// <summary>
    /// Where watched users send our events: the distinct hubs of our devices' processes; null (through this grain) when
    /// there is no device, or when some device has no hub.
    /// </summary>
    public IPresenceHub[]? DeliveryHubs()
    {
        if (Count == 0)
            return null;
        List<IPresenceHub>? hubs = null;
        foreach (var device in _devices!.Values)
        {
            if (device.Hub is not { } hub)
                return null;
            if (hubs is null || !hubs.Exists(h => hubComparer.Equals(h, hub)))
                (hubs ??= []).Add(hub);
        }
        return hubs?.ToArray();
    }

    /// <summary>One connection: where it is, and when its lease was last renewed (a <see cref="TimeProvider.GetTimestamp"/>).</summary>
    private readonly record struct ConnectedDevice(IPresenceObserver Observer, IPresenceHub? Hub, long RenewedAt);
}
