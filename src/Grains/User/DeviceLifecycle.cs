namespace Presence.Grains;

/// <summary>
/// What a device's connect, renew or disconnect, an expired grace or an orphan check means for one user, from its
/// <see cref="DeviceSet"/>, its <see cref="PresenceDocument"/> and its <see cref="ReconnectGrace"/> (off when
/// <paramref name="reconnectGrace"/> is zero): the grain carries the decisions out — commit, announce, publish.
/// </summary>
internal sealed class DeviceLifecycle(DeviceSet devices, PresenceDocument presence, TimeSpan reconnectGrace)
{
    /// <summary>Dropped connections still online; null when the grace is off (the default).</summary>
    private readonly ReconnectGrace? _grace = reconnectGrace > TimeSpan.Zero ? new(reconnectGrace) : null;

    private bool _keptAlive;

    /// <summary>When the earliest reconnect grace ends; null when none runs.</summary>
    public DateTimeOffset? GraceDue => _grace?.Due;

    /// <summary>
    /// A device connects: true when it comes back within its reconnect grace onto a resource still online through its
    /// dropped connection — no login, nothing for the watchers. False: a login. Either way its grace is over.
    /// </summary>
    public bool Resumes(string resource) =>
        _grace?.Resume(resource) == true && presence.IsHeldByConnection(resource) && !devices.Has(resource);

    /// <summary>A device renews its lease on <paramref name="resource"/>; a renewal or a take-back ends its grace.</summary>
    public DeviceRenewal Renew(string resource, IPresenceObserver device)
    {
        if (devices.Has(resource))
        {
            if (!devices.IsCurrent(resource, device))
                return DeviceRenewal.Replaced;
            devices.Renew(resource);
            return DeviceRenewal.Renewed;
        }
        if (!presence.IsHeldByConnection(resource))
            return DeviceRenewal.Login;
        _grace?.Resume(resource);
        return DeviceRenewal.TakenBack;
    }

    /// <summary>
    /// The device of <paramref name="resource"/> left (already removed): true when the resource stays online through its
    /// reconnect grace — a dropped connection, not a logout, of a resource online through it, with the grace on.
    /// </summary>
    public bool Holds(string resource, bool logout, DateTimeOffset now) =>
        !logout && presence.IsHeldByConnection(resource) && _grace?.Hold(resource, now) == true;

    /// <summary>Devices whose resource was evicted (over the resource limit) lose their session, as if replaced.</summary>
    public Announcement? EndEvicted() => devices.End(resource => !presence.HasResource(resource), SessionEndReason.Replaced);

    /// <summary>Resources online through a connection that neither a registered device nor a grace holds: their process died.</summary>
    public List<string> Orphans() => presence.OrphanedResources(r => devices.Has(r) || _grace?.IsHeld(r) == true);

    /// <summary>The resources whose grace ended by <paramref name="now"/>, with when each dropped; they are no longer held.</summary>
    public List<(string Resource, DateTimeOffset DroppedAt)> TakeEndedGraces(DateTimeOffset now) => _grace?.TakeExpired(now) ?? [];

    /// <summary>Holds again what <see cref="TakeEndedGraces"/> took, when their going offline could not be stored.</summary>
    public void HoldAgain(IEnumerable<(string Resource, DateTimeOffset DroppedAt)> ended)
    {
        foreach (var (resource, droppedAt) in ended)
            _grace?.Hold(resource, droppedAt);
    }

    /// <summary>Whether the activation must stay: devices, connected watchers (<paramref name="connectedWatchers"/>) or held connections rely on it.</summary>
    public bool KeepsActivation(int connectedWatchers) => devices.Count > 0 || connectedWatchers > 0 || _grace?.Count > 0;

    /// <summary>
    /// Whether the activation must stay, when that changed since the last call (initially it need not); null when it did
    /// not: Orleans is told only on a change, as telling it locks.
    /// </summary>
    public bool? KeepAliveChange(int connectedWatchers)
    {
        var keepAlive = KeepsActivation(connectedWatchers);
        if (keepAlive == _keptAlive)
            return null;
        _keptAlive = keepAlive;
        return keepAlive;
    }
}
