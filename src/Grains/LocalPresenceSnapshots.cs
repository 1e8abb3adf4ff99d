using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Presence.Orleans.Grains;

/// <summary>The silo's <see cref="ILocalPresenceSnapshots"/>: one entry per active user grain, written only by that grain.</summary>
internal sealed class LocalPresenceSnapshots : ILocalPresenceSnapshots
{
    private readonly ConcurrentDictionary<UserKey, PresenceSnapshot> _snapshots = new();

    public bool TryGet(UserKey user, [NotNullWhen(true)] out PresenceSnapshot? snapshot) => _snapshots.TryGetValue(user, out snapshot);

    public void Publish(UserKey user, PresenceSnapshot snapshot) => _snapshots[user] = snapshot;

    /// <summary>Removes the user's entry (only the user's one activation on this silo writes it).</summary>
    public void Withdraw(UserKey user) => _snapshots.TryRemove(user, out _);

    public int Count => _snapshots.Count;
}
