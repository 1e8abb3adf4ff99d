namespace Presence.Grains;

/// <summary>What a watcher does with a target's event (<see cref="SubscriptionBook.Accept"/>).</summary>
internal enum DeliveryVerdict
{
    /// <summary>Newer than anything forwarded of that target: to the devices.</summary>
    Forward,

    /// <summary>No subscription to that target: the target holds a watcher entry without our row and should drop it.</summary>
    NotSubscribed,

    /// <summary>Ended at its expiry second; <c>subscription_ended</c> is on its way.</summary>
    Ended,

    /// <summary>A repeat, or older than what the devices already have.</summary>
    Stale,

    /// <summary>From a friend while the app's friend notification is off (<see cref="WatchList.Accept"/>): dropped, the friendship kept.</summary>
    Muted,
}
