namespace Presence.Grains;

/// <summary>
/// The presence of one user of one app, keyed <c>{org}/{app}/{username}</c> (see <see cref="UserKey"/>), as gateways call
/// it: per-resource statuses, <c>ext</c>, <c>last_time</c> and a version; the user's subscriptions; its connected devices.
/// Usernames passed in and out are bare lower-case usernames of the same app. What user grains say to each other (admit
/// a watcher, deliver a change) is a separate protocol that only grains can call.
/// </summary>
/// <remarks>
/// Real time: a device's connection registers an <see cref="IPresenceObserver"/> with <see cref="ConnectAsync"/>. A user
/// with connected devices tells the users it watches so, and where the devices are; those then send each change only to
/// connected watchers with a live subscription, never activating the offline ones: once per process holding their
/// devices (<see cref="IPresenceHub"/>), or, for devices without a hub, to the watcher's grain, which forwards it.
/// Arguments are <c>[Immutable]</c>: callers build them per call and never change them afterwards, so a call within a
/// silo passes them as they are. Without it Orleans deep-copies them on every local call.
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
    /// Makes <paramref name="friend"/> a contact of this user and this user one of the friend's (both rows in one
    /// transaction), and tells the friend's grain: with the app's friend notification on, each side's devices get the
    /// other's events from now on. Adding a friend twice changes nothing; adding oneself is an argument error.
    /// </summary>
    [Alias("AddContact")]
    Task<ContactChange> AddContactAsync(string friend);

    /// <summary>Removes the contact both ways; the events between the two stop at once.</summary>
    [Alias("RemoveContact")]
    Task<ContactChange> RemoveContactAsync(string friend);

    /// <summary>This user's contacts, ordered by username.</summary>
    [ReadOnly, Alias("GetContacts")]
    Task<IReadOnlyList<string>> GetContactsAsync();

    /// <summary>
    /// The account was deleted: devices' sessions end, every resource goes offline (watchers see it), and the user's
    /// subscriptions, subscribers and contacts are removed, rows and the other grains' memory alike.
    /// </summary>
    [Alias("DeleteUser")]
    Task DeleteUserAsync();

    /// <summary>Live watchers of this user ordered by uid (operators and consistency checks).</summary>
    [AlwaysInterleave, ReadOnly, Alias("GetWatchers")]
    Task<IReadOnlyList<SubscriptionEntry>> GetWatchersAsync();
}
