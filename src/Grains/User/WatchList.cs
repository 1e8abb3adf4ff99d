namespace Presence.Grains;

/// <summary>
/// Whom one user hears from: the targets of its live subscriptions (<see cref="SubscriptionBook"/>) and, while its app's
/// friend notification is on, its friends (<see cref="ContactBook"/>). Decides what an event that came through this
/// user's grain does, and who must be told where this user's devices are.
/// </summary>
internal sealed class WatchList(SubscriptionBook subscriptions, ContactBook contacts, IFriendNotificationSwitch friendSwitch, string org, string app)
{
    /// <summary>Whether this user gets its friends' events (asked each time: configuration may reload).</summary>
    public bool FriendsOn => contacts.Count > 0 && friendSwitch.IsOn(org, app);

    /// <summary>Whether <paramref name="target"/>'s events reach this user: a live subscription, or a friend while <see cref="FriendsOn"/>.</summary>
    public bool Hears(string target, long now) => subscriptions.IsLive(target, now) || (FriendsOn && contacts.Contains(target));

    /// <summary>
    /// What an event of <paramref name="target"/> at <paramref name="version"/> does: <see cref="DeliveryVerdict.Forward"/>
    /// to the devices (through a subscription, or a friendship while <see cref="FriendsOn"/>);
    /// <see cref="DeliveryVerdict.NotSubscribed"/>: neither a subscription nor a friend, so the target should drop its
    /// watcher entry; anything else is dropped.
    /// </summary>
    public DeliveryVerdict Accept(string target, long version, long now)
    {
        var verdict = subscriptions.Accept(target, version, now);
        if (verdict is DeliveryVerdict.Forward or DeliveryVerdict.Stale || !contacts.Contains(target))
            return verdict;
        if (!FriendsOn)
            return DeliveryVerdict.Muted; // a friend stays a watcher while notification is off, so switching it on needs no reconnect
        return contacts.Accept(target, version) == DeliveryVerdict.Forward ? DeliveryVerdict.Forward : DeliveryVerdict.Stale;
    }

    /// <summary>Who hears where this user's devices are: the users it watches, and its friends while <see cref="FriendsOn"/>.</summary>
    public IEnumerable<string> AnnouncedTo(long now)
    {
        var targets = subscriptions.LiveTargets(now);
        return FriendsOn ? targets.Concat(contacts.Friends.Where(f => !subscriptions.IsLive(f, now))) : targets;
    }

    /// <summary>The last device left: the next one starts from whatever the targets and friends send.</summary>
    public void ForgetForwarded()
    {
        subscriptions.ForgetForwarded();
        contacts.ForgetForwarded();
    }
}
