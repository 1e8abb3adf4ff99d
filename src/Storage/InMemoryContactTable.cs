namespace Presence.Storage;

/// <summary>Contacts in process memory: per app and user, the set of friends; one lock makes each two-way change atomic.</summary>
internal sealed class InMemoryContactTable : IContactTable
{
    private readonly Dictionary<(string App, string User), HashSet<string>> _friends = new();
    private readonly Lock _lock = new();

    public Task<IReadOnlyList<string>> ReadAsync(string app, string owner, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<string> friends = _friends.TryGetValue((app, owner), out var set) ? [.. set] : [];
            return Task.FromResult(friends);
        }
    }

    public Task<ContactWrite> AddAsync(string app, string owner, string friend, int maxContacts, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var mine = SetOf(app, owner);
            if (mine.Contains(friend))
                return Task.FromResult(ContactWrite.Exists);
            var theirs = SetOf(app, friend);
            if (mine.Count >= maxContacts)
                return Task.FromResult(ContactWrite.OwnerFull);
            if (theirs.Count >= maxContacts)
                return Task.FromResult(ContactWrite.FriendFull);
            mine.Add(friend);
            theirs.Add(owner);
            return Task.FromResult(ContactWrite.Added);
        }
    }

    public Task<bool> RemoveAsync(string app, string owner, string friend, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var removed = _friends.TryGetValue((app, owner), out var mine) && mine.Remove(friend);
            if (_friends.TryGetValue((app, friend), out var theirs))
                removed |= theirs.Remove(owner);
            return Task.FromResult(removed);
        }
    }

    public Task<IReadOnlyList<string>> RemoveAllAsync(string app, string user, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_friends.Remove((app, user), out var mine))
                return Task.FromResult<IReadOnlyList<string>>([]);
            foreach (var friend in mine)
            {
                if (_friends.TryGetValue((app, friend), out var theirs))
                    theirs.Remove(user);
            }
            return Task.FromResult<IReadOnlyList<string>>([.. mine]);
        }
    }

    private HashSet<string> SetOf(string app, string user)
    {
        if (!_friends.TryGetValue((app, user), out var set))
            _friends[(app, user)] = set = new HashSet<string>(StringComparer.Ordinal);
        return set;
    }
}
