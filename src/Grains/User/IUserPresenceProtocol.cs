using Orleans.Concurrency;

namespace Presence.Grains;

/// <summary>
/// What user grains say to each other: a subscriber asks its targets to admit or release it and tells them where its
/// devices are; a target sends its changes to watchers without hubs, and tells them when it lost its activation. Only
/// grains call it (it lives with them, out of the gateway's reach); <see cref="IUserPresenceGrain"/> is what gateways call.
/// </summary>
/// <remarks>
/// Subscribers await their targets; targets never await subscribers, so the target-side calls (<c>AdmitWatcher</c>,
/// <c>RemoveWatcher</c>, <c>WatcherConnectionChanged</c>) always interleave — two users subscribing to each other would
/// otherwise wait on each other forever — and never await anything. <c>DeliverPresence</c> and <c>TargetReset</c> do
/// not interleave, so a watcher handles one target's events in arrival order. Arguments are <c>[Immutable]</c>: built
/// per call and never changed afterwards (hub arrays are replaced, never edited), so a call within a silo passes them
/// as they are.
/// </remarks>
[Alias("presence.IUserPresenceProtocol")]
internal interface IUserPresenceProtocol : IGrainWithStringKey
{
    /// <summary>
    /// Target side of a subscribe: admits a watcher unless this user is full. A <see cref="ValueTask{TResult}"/>: a
    /// subscribe makes one such call per target, and Orleans answers it without a <see cref="Task"/> around its awaitable.
    /// </summary>
    [AlwaysInterleave, Alias("AdmitWatcher")]
    ValueTask<WatchResult> AdmitWatcherAsync(WatchRequest request);

    /// <summary>Target side of unsubscribe, expiry and eviction.</summary>
    [AlwaysInterleave, Alias("RemoveWatcher")]
    Task RemoveWatcherAsync(string subscriber);

    /// <summary>
    /// One way. Target side: the watcher's first device connected, or its last one disconnected, or its devices moved.
    /// Its <paramref name="connectionEpoch"/> grows with each such change, so a late, older notice is ignored. With
    /// <paramref name="resync"/> the target answers with its current state. <paramref name="hubs"/> are the processes
    /// holding the watcher's devices; null while some device has none, and then changes go to the watcher's grain.
    /// </summary>
    [OneWay, AlwaysInterleave, Alias("WatcherConnectionChanged")]
    Task WatcherConnectionChangedAsync(string subscriber, bool connected, long connectionEpoch, bool resync = false, [Immutable] IPresenceHub[]? hubs = null);

    /// <summary>One way. Watcher side: a target changed; forwarded to this user's devices while the subscription is live.</summary>
    [OneWay, Alias("DeliverPresence")]
    Task DeliverPresenceAsync(PresenceSnapshot presence);

    /// <summary>One way. Watcher side: <paramref name="target"/> lost its activation; a connected watcher announces itself again.</summary>
    [OneWay, Alias("TargetReset")]
    Task TargetResetAsync(string target);

    /// <summary>
    /// Friend side of an add: <paramref name="friend"/> (whose rows are written) is now a contact; it says whether its
    /// devices are connected and where, as a watcher would. Memory only and never awaits, so two users adding each
    /// other at once cannot wait on each other.
    /// </summary>
    [AlwaysInterleave, Alias("ContactAdded")]
    Task ContactAddedAsync(string friend, bool connected, long connectionEpoch, [Immutable] IPresenceHub[]? hubs);

    /// <summary>Friend side of a remove: <paramref name="friend"/> is no longer a contact (its rows are gone); its events stop.</summary>
    [AlwaysInterleave, Alias("ContactRemoved")]
    Task ContactRemovedAsync(string friend);

    /// <summary>One way. Watcher side: <paramref name="target"/> was deleted and its rows with it; the subscription ends.</summary>
    [OneWay, Alias("TargetDeleted")]
    Task TargetDeletedAsync(string target);
}
