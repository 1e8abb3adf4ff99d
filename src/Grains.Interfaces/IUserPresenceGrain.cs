using Presence.Orleans.Runtime;

namespace Presence.Orleans.Grains;

/// <summary>
/// The presence of one user of one app, keyed <c>{org}/{app}/{username}</c> (see <see cref="UserKey"/>).
/// It holds per-resource statuses, <c>ext</c>, <c>last_time</c> and a version, the user's subscriptions
/// (as subscriber) and the user's watchers (as target). Subscriber grains call targets (awaited); targets
/// never await subscribers, so two users subscribing to each other cannot deadlock.
/// Usernames passed in and out are bare lower-case usernames of the same app.
/// </summary>
public interface IUserPresenceGrain : IGrainWithStringKey
{
    /// <summary>
    /// Sets one resource's status and, when <paramref name="ext"/> is not null, the user's custom status.
    /// A change to or from "0" is a login or logout and moves <c>last_time</c>. Acknowledged only once durable.
    /// </summary>
    Task<PresenceSnapshot> SetStatusAsync(string resource, string status, string? ext);

    Task<PresenceSnapshot> GetPresenceAsync();

    /// <summary>
    /// Subscribes this user to each of <paramref name="usernames"/> for <paramref name="expirySeconds"/>,
    /// replacing the expiry of existing subscriptions. Targets that are full are listed in
    /// <see cref="SubscribeResult.Failed"/>; past the subscription cap the ones with least time left are evicted.
    /// </summary>
    Task<SubscribeResult> SubscribeAsync(IReadOnlyList<string> usernames, int expirySeconds);

    /// <summary>Removes these subscriptions; an empty list removes all of them.</summary>
    Task UnsubscribeAsync(IReadOnlyList<string> usernames);

    /// <summary>Live subscriptions ordered by uid, paged (1-based page number).</summary>
    Task<SubscriptionPage> GetSubscriptionsAsync(int pageNum, int pageSize);

    /// <summary>Target side of <see cref="SubscribeAsync"/>: admits a watcher unless this user is full.</summary>
    Task<WatchResult> AddWatcherAsync(string subscriber, long expiresAtUnixSeconds);

    /// <summary>Target side of unsubscribe, expiry and eviction.</summary>
    Task RemoveWatcherAsync(string subscriber);

    /// <summary>Live watchers of this user ordered by uid (operators and consistency checks).</summary>
    Task<IReadOnlyList<SubscriptionEntry>> GetWatchersAsync();
}
