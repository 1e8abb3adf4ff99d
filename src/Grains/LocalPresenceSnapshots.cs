using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Presence.Grains;

/// <summary>The silo's <see cref="ILocalPresenceSnapshots"/>: one entry per active user grain, written only by that grain.</summary>
internal sealed class LocalPresenceSnapshots : ILocalPresenceSnapshots
{
    /// <summary>
    /// Null while the grain's snapshot is withdrawn (a write in flight): the entry stays until the grain deactivates,
    /// so that each change replaces the value in place rather than removing a node and adding a new one.
    /// </summary>
    private readonly ConcurrentDictionary<UserKey, PresenceSnapshot?> _snapshots = new();

    public bool TryGet(UserKey user, [NotNullWhen(true)] out PresenceSnapshot? snapshot) =>
        _snapshots.TryGetValue(user, out snapshot) && snapshot is not null;

    public void Publish(UserKey user, PresenceSnapshot snapshot) => _snapshots[user] = snapshot;

    /// <summary>Hides the user's snapshot until the next <see cref="Publish"/> (only the user's one activation on this silo writes it).</summary>
    public void Withdraw(UserKey user)
    {
        if (_snapshots.ContainsKey(user))
            _snapshots[user] = null;
    }

    /// <summary>Drops the user's entry: its grain deactivates.</summary>
    public void Remove(UserKey user) => _snapshots.TryRemove(user, out _);
}
