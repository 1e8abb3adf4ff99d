using System.Diagnostics;
using Orleans.Runtime;

namespace Presence.Orleans.Grains;

/// <summary>
/// Connected devices: login and logout by connection, orphaned connections after a crash, the <c>ext</c> grace
/// period, precise expiry.
/// </summary>
internal sealed partial class UserPresenceGrain
{
    internal const string GraceReminderName = "ext-grace";
    internal const string ConnectionsReminderName = "connections";

    /// <summary>Resource → the connection registered for it. In memory: connections re-register with a new activation.</summary>
    private Dictionary<string, IPresenceObserver>? _devices;

    /// <summary>What a user without devices enumerates; never written (writes go to <c>_devices</c>, made on first use).</summary>
    private static readonly Dictionary<string, IPresenceObserver> NoDevices = new();

    private int DeviceCount => _devices?.Count ?? 0;

    private bool HasDevice(string resource) => _devices?.ContainsKey(resource) == true;

    /// <summary>Resource → the hub of its device's process (null: the device has none). Same keys as <see cref="_devices"/>.</summary>
    private Dictionary<string, IPresenceHub?>? _deviceHubs;

    /// <summary>The hubs our targets were last told (with <see cref="_connectionEpoch"/>); null: through this grain.</summary>
    private IPresenceHub[]? _announcedHubs;

    /// <summary>
    /// Grows with each change between "some device connected" and "none": targets keep the newest they heard,
    /// so notices that overtake each other cannot leave a target believing an old state.
    /// </summary>
    private long _connectionEpoch;

    /// <summary>Target → newest version forwarded to the devices: a repeat or an older state is never forwarded.</summary>
    private Dictionary<string, long>? _forwardedVersions;

    /// <summary>
    /// Resource → when its device's lease was last renewed, as a <see cref="Stopwatch"/> timestamp. Real time on
    /// purpose, like Orleans' own membership: it measures whether a process is alive, not the grain's clock.
    /// </summary>
    private Dictionary<string, long>? _leaseRenewedAt;

    private IGrainTimer? _leaseTimer;
    private IDisposable? _graceTimer;
    private IDisposable? _orphanTimer;
    private DateTimeOffset _activatedAt;
    private IDisposable? _expiryTimer;
    private long? _expiryTimerDueAt;

    public async Task<PresenceSnapshot> ConnectAsync(string resource, IPresenceObserver device, IPresenceHub? hub = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(resource);
        ArgumentNullException.ThrowIfNull(device);

        // Durable and first, so that a crash cannot leave this resource online for good (see CheckConnectionsAsync).
        if (DeviceCount == 0)
            await ArmReminderAsync(ConnectionsReminderName, _limits.ConnectionCheckPeriod, _limits.ConnectionCheckPeriod);
        // Every connection is a login, even onto a resource already online (a replaced connection, REST).
        await CommitAsync(() =>
        {
            SetResource(resource, OnlineStatus, loggedOut: false, login: true, connected: true);
            return true;
        });

        if (_devices is not null && _devices.TryGetValue(resource, out var replaced) && !SameDevice(replaced, device))
        {
            LogDeviceReplaced(GrainKey, resource);
            _ = replaced.OnSessionEnded(SessionEndReason.Replaced);
        }
        AddDevice(resource, device, hub, resync: false);
        Publish();
        return Snapshot();
    }

    public async Task RenewDeviceAsync(string resource, IPresenceObserver device, bool resync, IPresenceHub? hub = null)
    {
        if (_devices is not null && _devices.TryGetValue(resource, out var current))
        {
            if (!SameDevice(current, device))
            {
                _ = device.OnSessionEnded(SessionEndReason.Replaced); // a newer connection holds the resource
                return;
            }
            (_leaseRenewedAt ??= new(StringComparer.Ordinal))[resource] = Stopwatch.GetTimestamp();
            if (resync)
                AnnounceConnection(connected: true, resync: true);
            return;
        }
        if (State.Resources.TryGetValue(resource, out var state) && state.Connected && state.Status != OfflineStatus)
        {
            // Our predecessor held this device: take it back as it is, no login, and catch up with our targets.
            AddDevice(resource, device, hub, resync: true);
            return;
        }
        await ConnectAsync(resource, device, hub); // its resource went offline meanwhile: a login again
    }

    /// <summary>
    /// Registers (or replaces) the device of a resource; the first device announces us to our targets, and so does a
    /// device that changes where they deliver (a new process).
    /// </summary>
    private void AddDevice(string resource, IPresenceObserver device, IPresenceHub? hub, bool resync)
    {
        var wasConnected = DeviceCount > 0;
        (_devices ??= new(StringComparer.Ordinal))[resource] = device;
        (_deviceHubs ??= new(StringComparer.Ordinal))[resource] = hub;
        (_leaseRenewedAt ??= new(StringComparer.Ordinal))[resource] = Stopwatch.GetTimestamp();
        if (!wasConnected)
            OnDevicesConnectedChanged(connected: true, resync);
        else if (!SameHubs(DeliveryHubs(), _announcedHubs))
        {
            _connectionEpoch = NextConnectionEpoch();
            AnnounceConnection(connected: true, resync);
        }
        else if (resync)
            AnnounceConnection(connected: true, resync: true);
        ReportGauges();
        LogDeviceConnected(GrainKey, resource, DeviceCount);
    }

    /// <summary>Drops devices whose lease ran out (their process died): their resources go offline, as if lost.</summary>
    private async Task ExpireLeasesAsync(CancellationToken cancellationToken)
    {
        List<(string Resource, IPresenceObserver Device)>? expired = null;
        foreach (var (resource, device) in _devices ?? NoDevices)
        {
            long renewedAt = 0;
            if (_leaseRenewedAt is null || !_leaseRenewedAt.TryGetValue(resource, out renewedAt) || Stopwatch.GetElapsedTime(renewedAt) > _limits.OrphanedConnectionTimeout)
                (expired ??= []).Add((resource, device));
        }
        if (expired is null)
            return;
        LogLeasesExpired(GrainKey, expired.Count);
        foreach (var (resource, device) in expired)
            await DisconnectAsync(resource, device, logout: false);
    }

    public async Task<PresenceSnapshot> DisconnectAsync(string resource, IPresenceObserver device, bool logout)
    {
        ArgumentException.ThrowIfNullOrEmpty(resource);
        ArgumentNullException.ThrowIfNull(device);
        if (_devices is null || !_devices.TryGetValue(resource, out var current) || !SameDevice(current, device))
            return Snapshot(); // replaced (or evicted): the resource belongs to a newer connection

        // The connection is gone whatever the write does.
        RemoveDevice(resource);
        OnDevicesRemoved();
        ReportGauges();
        LogDeviceDisconnected(GrainKey, resource, logout, DeviceCount);

        var changed = await CommitAsync(() =>
        {
            if (!State.Resources.TryGetValue(resource, out var state) || (state.Status == OfflineStatus && state.LoggedOut == logout))
                return false;
            SetResource(resource, OfflineStatus, loggedOut: logout, login: state.Status != OfflineStatus, connected: false);
            return true;
        });
        if (changed)
            Publish();
        await ForgetConnectionsReminderIfIdleAsync();
        return Snapshot();
    }

    /// <summary>
    /// The first device connected or the last one left: targets learn it, precise expiry follows, and while devices
    /// are connected a timer checks their leases.
    /// </summary>
    private void OnDevicesConnectedChanged(bool connected, bool resync = false)
    {
        _connectionEpoch = NextConnectionEpoch();
        if (!connected)
            _forwardedVersions = null;
        AnnounceConnection(connected, resync);
        ArmExpiryTimer();
        UpdateKeepAlive();
        ArmLeaseTimer(connected);
    }

    /// <summary>
    /// Tells each live target whether we have devices and where; with <paramref name="resync"/> they answer with their state.
    /// </summary>
    private void AnnounceConnection(bool connected, bool resync)
    {
        var hubs = _announcedHubs = connected ? DeliveryHubs() : null;
        var now = NowSeconds();
        foreach (var (target, expiresAt) in Subscriptions)
        {
            if (expiresAt > now)
                _ = UserGrain(target).WatcherConnectionChangedAsync(_user.Username, connected, _connectionEpoch, resync, hubs);
        }
    }

    private void RemoveDevice(string resource)
    {
        _devices?.Remove(resource);
        _deviceHubs?.Remove(resource);
        _leaseRenewedAt?.Remove(resource);
    }

    /// <summary>After devices left: the last one is a change of connection; a process no longer holding any is a change of where.</summary>
    private void OnDevicesRemoved()
    {
        if (DeviceCount == 0)
            OnDevicesConnectedChanged(connected: false);
        else if (!SameHubs(DeliveryHubs(), _announcedHubs))
        {
            _connectionEpoch = NextConnectionEpoch();
            AnnounceConnection(connected: true, resync: false);
        }
    }

    /// <summary>
    /// Where our targets send our events: the distinct hubs of our devices' processes; null (through this grain) when
    /// we have no device, or when some device has no hub.
    /// </summary>
    private IPresenceHub[]? DeliveryHubs()
    {
        if (DeviceCount == 0 || _deviceHubs is null)
            return null;
        List<IPresenceHub>? hubs = null;
        foreach (var hub in _deviceHubs.Values)
        {
            if (hub is null)
                return null;
            if (hubs is null || !hubs.Exists(h => h.GetGrainId() == hub.GetGrainId()))
                (hubs ??= []).Add(hub);
        }
        return hubs?.ToArray();
    }

    /// <summary>Whether two hub sets name the same processes (null equals null only).</summary>
    internal static bool SameHubs(IPresenceHub[]? a, IPresenceHub[]? b)
    {
        if (ReferenceEquals(a, b))
            return true;
        if (a is null || b is null || a.Length != b.Length)
            return false;
        foreach (var hub in a)
        {
            if (!Array.Exists(b, h => h.GetGrainId() == hub.GetGrainId()))
                return false;
        }
        return true;
    }

    private void ArmLeaseTimer(bool devicesConnected)
    {
        if (!devicesConnected)
        {
            _leaseTimer?.Dispose();
            _leaseTimer = null;
            return;
        }
        if (_leaseTimer is not null)
            return;
        var period = _limits.OrphanedConnectionTimeout / 4;
        if (period < MinLeaseCheckPeriod)
            period = MinLeaseCheckPeriod;
        _leaseTimer = this.RegisterGrainTimer(ExpireLeasesAsync, new GrainTimerCreationOptions(period, period));
    }

    private static readonly TimeSpan MinLeaseCheckPeriod = TimeSpan.FromSeconds(1);

    /// <summary>Ticks of the clock, or one more than the last epoch: grows even when the clock stands still.</summary>
    private long NextConnectionEpoch() => Math.Max(_connectionEpoch + 1, TimeProvider.GetUtcNow().UtcTicks);

    /// <summary>Devices whose resource was evicted (over the resource limit) lose their session.</summary>
    private void DropDevicesWithoutResource()
    {
        if (DeviceCount == 0)
            return;
        var removed = false;
        foreach (var (resource, device) in _devices ?? NoDevices)
        {
            if (State.Resources.ContainsKey(resource))
                continue;
            RemoveDevice(resource);
            _ = device.OnSessionEnded(SessionEndReason.Replaced);
            removed = true;
        }
        if (removed)
            OnDevicesRemoved();
    }

    public Task DeliverPresenceAsync(PresenceSnapshot presence)
    {
        ArgumentNullException.ThrowIfNull(presence);
        var target = presence.Uid;
        if (DeviceCount == 0)
        {
            // The target thinks we are connected (we lost our activation, or a notice was lost): correct it.
            _connectionEpoch = NextConnectionEpoch();
            _ = UserGrain(target).WatcherConnectionChangedAsync(_user.Username, false, _connectionEpoch);
            return Task.CompletedTask;
        }
        if (!Subscriptions.TryGetValue(target, out var expiresAt))
        {
            _ = UserGrain(target).RemoveWatcherAsync(_user.Username); // a watcher entry without our row
            return Task.CompletedTask;
        }
        if (expiresAt <= NowSeconds())
            return Task.CompletedTask; // ended at its expiry instant; subscription_ended is on its way
        if (_forwardedVersions is not null && _forwardedVersions.TryGetValue(target, out var forwarded) && presence.Version <= forwarded)
            return Task.CompletedTask;
        (_forwardedVersions ??= new(StringComparer.Ordinal))[target] = presence.Version;
        foreach (var device in (_devices ?? NoDevices).Values)
            _ = device.OnPresenceChanged(presence);
        return Task.CompletedTask;
    }

    public Task TargetResetAsync(string target)
    {
        var name = NormalizeUsername(target);
        if (DeviceCount > 0 && Subscriptions.TryGetValue(name, out var expiresAt) && expiresAt > NowSeconds())
            _ = UserGrain(name).WatcherConnectionChangedAsync(_user.Username, true, _connectionEpoch, resync: true, _announcedHubs);
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Devices reconnect and so register with the next activation.
        foreach (var device in (_devices ?? NoDevices).Values)
            _ = device.OnSessionEnded(SessionEndReason.Deactivated);
        // Connected watchers announce themselves to the next activation — on another silo when this one is
        // stopping, so events resume there without waiting for the watchers' next connect.
        foreach (var watcher in _connectedWatchers ?? [])
            _ = UserGrain(watcher).TargetResetAsync(_user.Username);
        ReportGauges(deactivating: true);
        _localSnapshots.Remove(_user);
        _publishedSnapshot = null;
        return Task.CompletedTask;
    }

    private void UpdateKeepAlive() => KeepAlive(DeviceCount > 0 || ConnectedWatcherCount > 0);

    private static bool SameDevice(IPresenceObserver a, IPresenceObserver b) =>
        a.GetGrainId() == b.GetGrainId();

    // ---- orphaned connections (the process holding them died) ----

    private bool HasOrphanedResources()
    {
        foreach (var (resource, state) in State.Resources)
        {
            if (state.Connected && state.Status != OfflineStatus && !HasDevice(resource))
                return true;
        }
        return false;
    }

    private void ArmOrphanTimer()
    {
        if (_orphanTimer is not null)
            return;
        var due = _activatedAt + _limits.OrphanedConnectionTimeout - TimeProvider.GetUtcNow();
        _orphanTimer = StartTimer(_ =>
        {
            _orphanTimer = null;
            return CheckConnectionsAsync();
        }, due);
    }

    /// <summary>
    /// The periodic connections reminder (and the timer after activation): resources held by connections that
    /// no registered device holds any more go offline — lost, as a missed heartbeat would have made them.
    /// </summary>
    private async Task CheckConnectionsAsync()
    {
        if (TimeProvider.GetUtcNow() - _activatedAt < _limits.OrphanedConnectionTimeout)
        {
            ArmOrphanTimer(); // just activated: reconnecting devices still have time
            return;
        }
        var orphans = State.Resources
            .Where(p => p.Value.Connected && p.Value.Status != OfflineStatus && !HasDevice(p.Key))
            .Select(p => p.Key)
            .ToList();
        if (orphans.Count > 0)
        {
            await CommitAsync(() =>
            {
                foreach (var resource in orphans)
                    SetResource(resource, OfflineStatus, loggedOut: false, login: true, connected: false);
                return true;
            });
            LogOrphansOffline(GrainKey, orphans.Count);
            Publish();
        }
        await ForgetConnectionsReminderIfIdleAsync();
    }

    private async Task ForgetConnectionsReminderIfIdleAsync()
    {
        if (DeviceCount > 0 || State.Resources.Values.Any(r => r.Connected))
            return;
        try
        {
            await DisarmReminderAsync(ConnectionsReminderName);
        }
        catch (Exception exception)
        {
            // Harmless: its next tick finds nothing and tries again.
            LogConnectionsReminderNotRemoved(exception, GrainKey);
        }
    }

    // ---- ext grace period ----

    /// <summary>
    /// Moves the grace deadline after a change: set when the last online resource just went offline with an
    /// <c>ext</c> to clear; dropped when a resource is online again or <c>ext</c> is empty. Returns true when a
    /// new deadline was set (the caller arms the durable reminder before writing).
    /// </summary>
    private bool UpdateExtGrace(bool wasOnline)
    {
        if (IsOnline() || State.Ext.Length == 0)
        {
            State.ExtClearAt = null;
            return false;
        }
        if (!wasOnline)
            return false; // already offline: a pending deadline stays as it was
        if (_limits.ExtGracePeriod <= TimeSpan.Zero)
        {
            State.Ext = "";
            State.ExtClearAt = null;
            return false;
        }
        State.ExtClearAt = TimeProvider.GetUtcNow() + _limits.ExtGracePeriod;
        return true;
    }

    /// <summary>A timer at the grace deadline for precision; the reminder is the backstop across restarts.</summary>
    private void ArmGraceTimer()
    {
        _graceTimer?.Dispose();
        _graceTimer = null;
        if (State.ExtClearAt is not { } due)
            return;
        var dueTime = due - TimeProvider.GetUtcNow();
        _graceTimer = StartTimer(_ => ClearExtAfterGraceAsync(), dueTime);
    }

    private async Task ClearExtAfterGraceAsync()
    {
        if (State.ExtClearAt is not { } due)
            return; // cancelled: a device came back, or ext was cleared
        if (due > TimeProvider.GetUtcNow())
        {
            ArmGraceTimer();
            return;
        }
        var changed = await CommitAsync(() =>
        {
            State.Ext = "";
            return true;
        });
        if (changed)
        {
            LogExtClearedAfterGrace(GrainKey);
            Publish();
        }
    }

    private async Task ForgetGraceReminderAsync()
    {
        try
        {
            await DisarmReminderAsync(GraceReminderName);
        }
        catch (Exception exception)
        {
            // Harmless: the tick finds no deadline and does nothing.
            LogGraceReminderNotRemoved(exception, GrainKey);
        }
    }

    // ---- precise subscription expiry ----

    /// <summary>While devices are connected, a timer at the earliest expiry ends subscriptions on the second.</summary>
    private void ArmExpiryTimer()
    {
        long? next = DeviceCount == 0 || Subscriptions.Count == 0 ? null : Subscriptions.Values.Min();
        if (next == _expiryTimerDueAt && (_expiryTimer is not null || next is null))
            return;
        _expiryTimer?.Dispose();
        _expiryTimer = null;
        _expiryTimerDueAt = next;
        if (next is null)
            return;
        var dueTime = DateTimeOffset.FromUnixTimeSeconds(next.Value) - TimeProvider.GetUtcNow();
        _expiryTimer = StartTimer(OnExpiryTimerAsync, dueTime);
    }

    private Task OnExpiryTimerAsync(CancellationToken cancellationToken)
    {
        _expiryTimer = null;
        _expiryTimerDueAt = null;
        return ExpireDueSubscriptionsAsync();
    }
}
