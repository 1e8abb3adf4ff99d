namespace Presence.Grains;

/// <summary>
/// What one user watches: target → expiry (Unix seconds), the cap with eviction by least time left, expiry at the exact
/// second, paging, and the newest version of each target forwarded to the user's devices.
/// </summary>
/// <remarks>
/// Expired entries stay until <see cref="Remove"/>: their rows still have to be deleted. The book changes only once the
/// rows are durable; the grain writes them (see <see cref="Plan"/>).
/// </remarks>
internal sealed class SubscriptionBook(string self, int maxSubscriptions, int maxPageSize)
{
    /// <summary>Made on first write: most users watch nobody.</summary>
    private Dictionary<string, long>? _expiries;

    /// <summary>Target → newest version forwarded to the devices: a repeat or an older state is never forwarded.</summary>
    private Dictionary<string, long>? _forwarded;

    private static readonly Dictionary<string, long> None = new();

    /// <summary>Every entry, expired ones included.</summary>
    public IReadOnlyDictionary<string, long> Entries => _expiries ?? None;

    public int Count => _expiries?.Count ?? 0;

    /// <summary>
    /// <see cref="EarliestExpiry"/> as last computed; null: not known (a removal or a renewal may have moved it). Every
    /// change reads the earliest expiry to arm its wake-ups, and a user may watch thousands: no scan per change.
    /// </summary>
    private long? _earliest;

    /// <summary>The earliest expiry, expired entries included (they are due); null without entries.</summary>
    public long? EarliestExpiry
    {
        get
        {
            if (_earliest is null && _expiries is { Count: > 0 } entries)
                _earliest = entries.Values.Min();
            return _earliest;
        }
    }

    /// <summary>The rows of this user as subscriber (in the app of <paramref name="appPrefix"/>), expired ones included: their rows still have to go.</summary>
    public void Load(IReadOnlyList<SubscriptionRow> rows, string appPrefix)
    {
        _expiries = ExpiryEntries.FromRows(rows, static row => row.Target, appPrefix, liveAfter: long.MinValue);
        _earliest = null;
    }

    public bool TryGetExpiry(string target, out long expiresAt)
    {
        expiresAt = 0;
        return _expiries is not null && _expiries.TryGetValue(target, out expiresAt);
    }

    /// <summary>Live at <paramref name="now"/>: a subscription is gone at its expiry second.</summary>
    public bool IsLive(string target, long now) => TryGetExpiry(target, out var expiresAt) && expiresAt > now;

    /// <summary>The targets whose expiry has passed.</summary>
    public List<string> Due(long now) => Entries.Where(p => p.Value <= now).Select(p => p.Key).ToList();

    /// <summary>The targets live at <paramref name="now"/>.</summary>
    public IEnumerable<string> LiveTargets(long now)
    {
        foreach (var (target, expiresAt) in Entries)
        {
            if (expiresAt > now)
                yield return target;
        }
    }

    /// <summary>
    /// The targets of a subscribe: lower-case, distinct, in request order. An invalid name or this user is refused.
    /// </summary>
    public List<string> NormalizeTargets(IReadOnlyList<string> usernames)
    {
        var targets = new List<string>(usernames.Count);
        var seen = new HashSet<string>(usernames.Count, StringComparer.Ordinal);
        foreach (var username in usernames)
        {
            var name = ExpiryEntries.Normalize(username);
            if (!UserKey.IsValidUsername(name))
                throw new ArgumentException($"'{username}' is not a valid username.", nameof(usernames));
            if (name == self)
                throw new ArgumentException("you can't sub yourself", nameof(usernames));
            if (seen.Add(name))
                targets.Add(name);
        }
        return targets;
    }

    /// <summary>
    /// What a subscribe to the <paramref name="accepted"/> targets until <paramref name="expiresAt"/> ends: expired
    /// subscriptions (unless renewed now), and past the cap the live ones with least time left, ties by uid — the new ones
    /// included, so a new subscription shorter than all others is evicted at once.
    /// </summary>
    public SubscribePlan Plan<T>(IReadOnlyDictionary<string, T> accepted, long expiresAt, long now)
    {
        var expired = Entries.Where(p => p.Value <= now && !accepted.ContainsKey(p.Key)).Select(p => p.Key).ToList();
        var kept = accepted.Count;
        foreach (var (target, expiry) in Entries)
        {
            if (expiry > now && !accepted.ContainsKey(target))
                kept++;
        }
        var excess = kept - maxSubscriptions;
        if (excess <= 0)
            return new SubscribePlan(expired, []);
        var evicted = Entries
            .Where(p => p.Value > now && !accepted.ContainsKey(p.Key))
            .Select(p => (Uid: p.Key, ExpiresAt: p.Value))
            .Concat(accepted.Keys.Select(t => (Uid: t, ExpiresAt: expiresAt)))
            .OrderBy(c => c.ExpiresAt)
            .ThenBy(c => c.Uid, StringComparer.Ordinal)
            .Take(excess)
            .Select(c => c.Uid)
            .ToHashSet(StringComparer.Ordinal);
        return new SubscribePlan(expired, evicted);
    }

    /// <summary>Sets (or renews) one subscription; the rows are durable.</summary>
    public void Set(string target, long expiresAt)
    {
        var entries = _expiries ??= new(StringComparer.Ordinal);
        var renewed = entries.ContainsKey(target);
        entries[target] = expiresAt;
        // A new entry can only bring the earliest forward; a renewal may have moved the earliest one later.
        _earliest = renewed ? null : _earliest is { } earliest ? Math.Min(earliest, expiresAt) : entries.Count == 1 ? expiresAt : null;
    }

    /// <summary>Ends subscriptions whose rows are gone; what was forwarded of them is forgotten.</summary>
    public void Remove(IEnumerable<string> targets)
    {
        foreach (var target in targets)
        {
            if (_expiries?.Remove(target) == true)
                _earliest = null;
            _forwarded?.Remove(target);
        }
    }

    /// <summary>Live subscriptions ordered by uid, paged (1-based page number).</summary>
    public SubscriptionPage Page(int pageNum, int pageSize, long now)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageNum, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, maxPageSize);

        var live = ExpiryEntries.LiveSorted(_expiries, now);
        var skip = (long)(pageNum - 1) * pageSize;
        List<SubscriptionEntry> items = skip >= live.Count ? []
            : skip == 0 && live.Count <= pageSize ? live // the whole list is the page: no second copy
            : live.GetRange((int)skip, (int)Math.Min(pageSize, live.Count - skip));
        return new SubscriptionPage(live.Count, items);
    }

    /// <summary>
    /// Whether a target's event goes to this user's devices: only while subscribed and live, and only a version newer
    /// than the last one forwarded (events of one target can overtake each other across paths).
    /// </summary>
    public DeliveryVerdict Accept(string target, long version, long now)
    {
        if (!TryGetExpiry(target, out var expiresAt))
            return DeliveryVerdict.NotSubscribed;
        if (expiresAt <= now)
            return DeliveryVerdict.Ended;
        if (_forwarded is not null && _forwarded.TryGetValue(target, out var forwarded) && version <= forwarded)
            return DeliveryVerdict.Stale;
        (_forwarded ??= new(StringComparer.Ordinal))[target] = version;
        return DeliveryVerdict.Forward;
    }

    /// <summary>The last device left: the next one starts from whatever the targets send.</summary>
    public void ForgetForwarded() => _forwarded = null;
}
