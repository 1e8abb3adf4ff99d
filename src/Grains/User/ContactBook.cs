namespace Presence.Grains;

/// <summary>
/// One user's contacts (friends, always two-way: the friend's book holds this user) as loaded from their rows, and the
/// newest version of each friend forwarded to this user's devices. With the app's friend notification on, friends are
/// the second source of watchers in <see cref="WatcherBook.PlanFanOut"/>: no expiry, no subscription row, outside the
/// subscription cap. The rows change first (the grain writes them); the book follows.
/// </summary>
internal sealed class ContactBook(string self)
{
    /// <summary>Made on first use: most users have no contacts.</summary>
    private HashSet<string>? _friends;

    /// <summary>Friend → newest version forwarded to the devices through the friend's grain.</summary>
    private Dictionary<string, long>? _forwarded;

    public int Count => _friends?.Count ?? 0;

    public IEnumerable<string> Friends => _friends ?? Enumerable.Empty<string>();

    public bool Contains(string friend) => _friends?.Contains(friend) == true;

    /// <summary>The contact rows of this user (friends' bare usernames).</summary>
    public void Load(IReadOnlyList<string> friends)
    {
        _friends = friends.Count == 0 ? null : new HashSet<string>(friends, StringComparer.Ordinal);
        _forwarded = null;
    }

    /// <summary>A friend's username, lower-case; an invalid name or this user is refused.</summary>
    public string Normalize(string friend)
    {
        var name = ExpiryEntries.Normalize(friend);
        if (!UserKey.IsValidUsername(name))
            throw new ArgumentException($"'{friend}' is not a valid username.", nameof(friend));
        if (name == self)
            throw new ArgumentException("a user cannot be its own contact", nameof(friend));
        return name;
    }

    /// <summary>False when already a friend.</summary>
    public bool Add(string friend) => (_friends ??= new(StringComparer.Ordinal)).Add(friend);

    /// <summary>False when not a friend.</summary>
    public bool Remove(string friend)
    {
        _forwarded?.Remove(friend);
        return _friends?.Remove(friend) == true;
    }

    /// <summary>Every friend, ordered by username.</summary>
    public List<string> Sorted()
    {
        var sorted = new List<string>(Friends);
        sorted.Sort(StringComparer.Ordinal);
        return sorted;
    }

    /// <summary>
    /// Whether a friend's event that came through this grain goes to the devices: only from a friend, and only a
    /// version newer than the last one forwarded (events can overtake each other).
    /// </summary>
    public DeliveryVerdict Accept(string friend, long version)
    {
        if (!Contains(friend))
            return DeliveryVerdict.NotSubscribed;
        if (_forwarded is not null && _forwarded.TryGetValue(friend, out var forwarded) && version <= forwarded)
            return DeliveryVerdict.Stale;
        (_forwarded ??= new(StringComparer.Ordinal))[friend] = version;
        return DeliveryVerdict.Forward;
    }

    /// <summary>The last device left: the next one starts from whatever the friends send.</summary>
    public void ForgetForwarded() => _forwarded = null;
}
