namespace Presence.Grains;

/// <summary>
/// Makes changes of one user's <see cref="PresenceDocument"/> durable on the grain's turn: checkpoint, change, seal,
/// write — or set back when the write fails, so that nobody is told a state that was not stored. While a write is in
/// flight the silo's local reads do not see the new snapshot (<see cref="LocalSnapshotEntry"/>).
/// </summary>
internal sealed class PresenceCommitter(IPersistentState<UserPresenceState> state, PresenceDocument presence, LocalSnapshotEntry local)
{
    /// <summary>
    /// Runs <paramref name="change"/> and writes what it changed. Null: nothing to change. When the change starts the
    /// <c>ext</c> grace period, <paramref name="beforeGraceWrite"/> (arming its durable backstop) runs before the write: a
    /// crash between the two leaves only a tick that finds nothing to do.
    /// </summary>
    public async Task<PresenceCheckpoint?> CommitAsync(Func<bool> change, Func<Task> beforeGraceWrite)
    {
        var checkpoint = presence.Checkpoint();
        if (!change())
            return null;
        var graceStarted = presence.Seal(checkpoint);
        local.BeginWrite();
        try
        {
            if (graceStarted)
                await beforeGraceWrite();
            state.State = presence.State;
            await state.WriteStateAsync();
        }
        catch
        {
            presence.Restore(checkpoint);
            state.State = presence.State;
            throw;
        }
        finally
        {
            local.EndWrite();
        }
        return checkpoint;
    }

    /// <summary>Fences a change of this user's subscription rows: the state record is written first with its ETag, so a stale activation fails first.</summary>
    public async Task FenceAsync()
    {
        presence.State.SubscriptionRevision++;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            presence.State.SubscriptionRevision--;
            throw;
        }
    }
}
