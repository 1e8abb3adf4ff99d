namespace Presence.Grains;

/// <summary>
/// One user's entry in the silo's <see cref="LocalPresenceSnapshots"/>, which the API on the same silo reads without a
/// grain call: only durable states are shown there, so a snapshot read while a write is in flight (it may fail) is not.
/// </summary>
internal sealed class LocalSnapshotEntry(LocalPresenceSnapshots snapshots, UserKey user)
{
    private PresenceSnapshot? _shown;
    private bool _writing;

    /// <summary>A write starts: the shown snapshot is about to be stale, and the next one waits for the write.</summary>
    public void BeginWrite()
    {
        snapshots.Withdraw(user);
        _shown = null;
        _writing = true;
    }

    public void EndWrite() => _writing = false;

    /// <summary>Shows <paramref name="snapshot"/> unless a write is in flight; returns it.</summary>
    public PresenceSnapshot Show(PresenceSnapshot snapshot)
    {
        if (!_writing && !ReferenceEquals(_shown, snapshot))
        {
            snapshots.Publish(user, snapshot);
            _shown = snapshot;
        }
        return snapshot;
    }

    /// <summary>The activation ends.</summary>
    public void Remove()
    {
        snapshots.Remove(user);
        _shown = null;
    }
}
