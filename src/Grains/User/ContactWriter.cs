using Microsoft.Extensions.Logging;

namespace Presence.Grains;

/// <summary>
/// Changes one user's contacts in the order that keeps the copies consistent: both rows in one transaction (the store
/// checks both caps), then this user's <see cref="ContactBook"/> and <see cref="WatcherBook"/>, then the friend's grain,
/// awaited, so that when the caller is answered both sides send each other's events (with friend notification on).
/// The friend's grain follows in memory (<see cref="FriendAdded"/>, <see cref="FriendRemoved"/>).
/// </summary>
/// <remarks>
/// <paramref name="whereAmI"/> says whether this user's devices are connected, their epoch and hubs, which the friend
/// needs to send them its changes; <paramref name="snapshot"/> is this user's current state. A failed call to the friend is logged: its rows are right, and its next activation
/// loads them.
/// </remarks>
internal sealed class ContactWriter(
    ContactBook book,
    WatcherBook watchers,
    WatchList watchList,
    IContactTable table,
    UserGrainCalls calls,
    string app,
    string self,
    int maxContacts,
    Func<(bool Connected, long Epoch, IPresenceHub[]? Hubs)> whereAmI,
    Func<PresenceSnapshot> snapshot,
    string grainKey,
    ILogger logger)
{
    public async Task<ContactChange> AddAsync(string friend)
    {
        var name = book.Normalize(friend);
        if (book.Contains(name))
            return ContactChange.Unchanged;
        var written = await table.AddAsync(app, self, name, maxContacts, CancellationToken.None);
        var change = written switch
        {
            ContactWrite.Added => ContactChange.Done,
            ContactWrite.Exists => ContactChange.Unchanged, // our book was behind the rows: catch up below
            ContactWrite.OwnerFull => ContactChange.OwnerFull,
            _ => ContactChange.FriendFull,
        };
        logger.LogContactAdded(grainKey, name, change);
        if (written is ContactWrite.OwnerFull or ContactWrite.FriendFull)
            return change;
        book.Add(name);
        var (connected, epoch, hubs) = whereAmI();
        try
        {
            await calls.User(name).ContactAddedAsync(self, connected, epoch, hubs);
        }
        catch (Exception exception)
        {
            logger.LogContactCallFailed(exception, grainKey, name);
        }
        return change;
    }

    public async Task<ContactChange> RemoveAsync(string friend)
    {
        var name = book.Normalize(friend);
        var removed = await table.RemoveAsync(app, self, name, CancellationToken.None);
        var change = removed || book.Contains(name) ? ContactChange.Done : ContactChange.Unchanged;
        book.Remove(name);
        watchers.RemoveFriend(name);
        logger.LogContactRemoved(grainKey, name, change);
        if (change == ContactChange.Unchanged)
            return change;
        try
        {
            await calls.User(name).ContactRemovedAsync(self);
        }
        catch (Exception exception)
        {
            logger.LogContactCallFailed(exception, grainKey, name);
        }
        return change;
    }

    /// <summary>
    /// <paramref name="friend"/> added this user (the rows are written): both books follow, and with friend notification
    /// on both sides start at once — the friend's devices get our state, and ours (if any) theirs.
    /// </summary>
    public void FriendAdded(string friend, bool connected, long epoch, IPresenceHub[]? hubs)
    {
        var name = ExpiryEntries.Normalize(friend);
        book.Add(name);
        watchers.ApplyConnection(name, connected, epoch, hubs);
        if (!watchList.FriendsOn)
            return;
        if (watchers.IsConnected(name))
            calls.DeliverTo(name, watchers.HubsOf(name), snapshot());
        var (devicesConnected, ourEpoch, ourHubs) = whereAmI();
        if (devicesConnected)
            calls.AskState(name, ourEpoch, ourHubs);
    }

    /// <summary><paramref name="friend"/> removed this user (the rows are gone): its events stop unless it still subscribes.</summary>
    public void FriendRemoved(string friend)
    {
        var name = ExpiryEntries.Normalize(friend);
        book.Remove(name);
        watchers.RemoveFriend(name);
    }

    /// <summary>Removes every contact, rows first, and tells the former friends one way; returns how many there were.</summary>
    public async Task<int> RemoveAllAsync()
    {
        var friends = await table.RemoveAllAsync(app, self, CancellationToken.None);
        foreach (var friend in friends.Concat(book.Friends).Distinct(StringComparer.Ordinal).ToList())
        {
            book.Remove(friend);
            watchers.RemoveFriend(friend);
            _ = calls.User(friend).ContactRemovedAsync(self);
        }
        return friends.Count;
    }
}
