namespace Presence.Orleans.Grains;

/// <summary>
/// The presence of one user of one app, keyed <c>{org}/{app}/{username}</c> (see <see cref="UserKey"/>).
/// It holds per-resource statuses, <c>ext</c>, <c>last_time</c> and a version, the user's subscriptions
/// (as subscriber) and the user's watchers (as target). Subscriber grains call targets (awaited); targets
/// never await subscribers — they notify them one way — so two users subscribing to each other cannot deadlock.
/// Usernames passed in and out are bare lower-case usernames of the same app.
/// </summary>
/// <remarks>
/// Real time: a device's connection registers an <see cref="IPresenceObserver"/> with <see cref="ConnectAsync"/>.
/// A user with connected devices tells its targets so, and where they are (<see cref="WatcherConnectionChangedAsync"/>);
/// a target then sends each change only to connected watchers with a live subscription, never activating the offline
/// ones: once per process holding their devices (<see cref="IPresenceHub"/>), or, for devices without a hub, to the
/// watcher's grain (<see cref="DeliverPresenceAsync"/>), which forwards it to its devices.
/// Call contracts: the target-side calls (<c>AdmitWatcher</c>, <c>RemoveWatcher</c>, <c>GetWatchers</c>,
/// <c>WatcherConnectionChanged</c>) always interleave — a subscriber awaits them inside its own turn, and two users
/// subscribing to each other would otherwise wait on each other forever; they never await anything, so
/// interleaving them is safe. Notifications between grains are one way. <c>DeliverPresence</c> and
/// <c>TargetReset</c> do not interleave, so a watcher handles one target's events in arrival order.
/// Arguments are <c>[Immutable]</c>: callers build them per call and never change them afterwards (hub arrays are
/// replaced, never edited), so a call within a silo passes them as they are. Without it Orleans deep-copies them
/// on every local call, and each grain reference made resolves a copier per argument type, one by reflection.
/// </remarks>
[Alias("presence.IUserPresenceGrain")]
public interface IUserPresenceGrain : IGrainWithStringKey
{
    /// <summary>
    /// Sets one resource's status and, when <paramref name="ext"/> is not null, the user's custom status.
    /// A change to or from "0" is a login or logout and moves <c>last_time</c>. Acknowledged only once durable.
    /// </summary>
    [Alias("SetStatus")]
    Task<PresenceSnapshot> SetStatusAsync(string resource, string status, string? ext);

    [ReadOnly, Alias("GetPresence")]
    Task<PresenceSnapshot> GetPresenceAsync();

    /// <summary>
    /// A device connected as <paramref name="resource"/>: the resource logs in (status "1", <c>last_time</c> now)
    /// and <paramref name="device"/> receives this user's changes and the events of its subscriptions. A device
    /// already connected with that resource is told <see cref="SessionEndReason.Replaced"/> and dropped.
    /// <paramref name="hub"/> is the device's process: the users this one watches send their changes there, once
    /// per process; without one they come through this grain, once per device.
    /// </summary>
    [Alias("Connect")]
    Task<PresenceSnapshot> ConnectAsync(string resource, [Immutable] IPresenceObserver device, [Immutable] IPresenceHub? hub = null);

    /// <summary>
    /// The device's connection ended: the resource goes offline ("0"); with <paramref name="logout"/> it counts
    /// as an explicit logout (all resources logged out = <see cref="PresenceStatusType.Unlogined"/>). Ignored when
    /// <paramref name="device"/> is no longer the resource's device (it was replaced).
    /// </summary>
    [Alias("Disconnect")]
    Task<PresenceSnapshot> DisconnectAsync(string resource, [Immutable] IPresenceObserver device, bool logout);

    /// <summary>
    /// One way. The lease of a connected device: the process holding its socket renews it periodically
    /// (<c>Presence:WebSocket:LeaseRenewPeriod</c>). A device not renewed within
    /// <see cref="PresenceLimits.OrphanedConnectionTimeout"/> of real time is dropped and its resource goes offline —
    /// the process holding it died. A device this activation does not know (its predecessor died with a silo) is
    /// registered again. With <paramref name="resync"/> this user re-announces itself to the users it watches, which
    /// answer with their current state: after a silo died, events resume with a version gap at worst.
    /// </summary>
    [OneWay, Alias("RenewDevice")]
    Task RenewDeviceAsync(string resource, [Immutable] IPresenceObserver device, bool resync, [Immutable] IPresenceHub? hub = null);

    /// <summary>
    /// Subscribes this user to each of <paramref name="usernames"/> for <paramref name="expirySeconds"/>,
    /// replacing the expiry of existing subscriptions. Targets that are full are listed in
    /// <see cref="SubscribeResult.Failed"/>; past the subscription cap the ones with least time left are evicted.
    /// </summary>
    [Alias("Subscribe")]
    Task<SubscribeResult> SubscribeAsync([Immutable] IReadOnlyList<string> usernames, int expirySeconds);

    /// <summary>Removes these subscriptions; an empty list removes all of them.</summary>
    [Alias("Unsubscribe")]
    Task UnsubscribeAsync([Immutable] IReadOnlyList<string> usernames);

    /// <summary>Live subscriptions ordered by uid, paged (1-based page number).</summary>
    [ReadOnly, Alias("GetSubscriptions")]
    Task<SubscriptionPage> GetSubscriptionsAsync(int pageNum, int pageSize);

    /// <summary>
    /// Target side of <see cref="SubscribeAsync"/>: admits a watcher unless this user is full.
    /// A <see cref="ValueTask{TResult}"/>: a subscribe makes one such call per target, and Orleans answers it without
    /// the <see cref="Task"/> it would otherwise make around its own awaitable, here and in the target's answer.
    /// </summary>
    [AlwaysInterleave, Alias("AdmitWatcher")]
    ValueTask<WatchResult> AdmitWatcherAsync(WatchRequest request);

    /// <summary>Target side of unsubscribe, expiry and eviction.</summary>
    [AlwaysInterleave, Alias("RemoveWatcher")]
    Task RemoveWatcherAsync(string subscriber);

    /// <summary>Live watchers of this user ordered by uid (operators and consistency checks).</summary>
    [AlwaysInterleave, ReadOnly, Alias("GetWatchers")]
    Task<IReadOnlyList<SubscriptionEntry>> GetWatchersAsync();

    /// <summary>
    /// One way. Target side: the watcher's first device connected, or its last one disconnected. The watcher's
    /// <paramref name="connectionEpoch"/> grows with each such change, so a late, older notice is ignored.
    /// With <paramref name="resync"/> the target answers with its current state (a watcher re-announcing itself
    /// to a fresh activation may have missed a change). <paramref name="hubs"/> are the processes holding the
    /// watcher's devices, where the target sends its changes; null while some device has none, and then the target
    /// sends them to the watcher's grain (<see cref="DeliverPresenceAsync"/>). The set changing is a change too (a new epoch).
    /// </summary>
    [OneWay, AlwaysInterleave, Alias("WatcherConnectionChanged")]
    Task WatcherConnectionChangedAsync(string subscriber, bool connected, long connectionEpoch, bool resync = false, [Immutable] IPresenceHub[]? hubs = null);

    /// <summary>One way. Watcher side: a target changed; forwarded to this user's devices while the subscription is live.</summary>
    [OneWay, Alias("DeliverPresence")]
    Task DeliverPresenceAsync(PresenceSnapshot presence);

    /// <summary>One way. Watcher side: <paramref name="target"/> lost its activation; a connected watcher announces itself again.</summary>
    [OneWay, Alias("TargetReset")]
    Task TargetResetAsync(string target);
}
