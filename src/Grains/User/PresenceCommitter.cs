namespace Presence.Grains;

/// <summary>
/// Makes changes of one user's <see cref="PresenceDocument"/> durable on the grain's turn: checkpoint, change, seal,
/// write — or set back when the write fails, so that nobody is told a state that was not stored. While a write is in
/// flight the silo's local reads do not see the new snapshot (<see cref="LocalSnapshotEntry"/>).
/// </summary>
/// <remarks>
/// With <paramref name="webhooks"/> (the app has webhook rules), the events of each change ride on its state write, so
/// the storage commits them to its outbox together with the state (<see cref="UserPresenceState.SetPendingWebhooks"/>).
/// </remarks>
internal sealed class PresenceCommitter(
    IPersistentState<UserPresenceState> state, PresenceDocument presence, LocalSnapshotEntry local, WebhookEvents? webhooks = null)
{
    /// <summary>
    /// Runs <paramref name="change"/> and writes what it changed. Null: nothing to change. When the change starts the
    /// <c>ext</c> grace period, <paramref name="beforeGraceWrite"/> (arming its durable backstop) runs before the write: a
    /// crash between the two leaves only a tick that finds nothing to do.
    /// </summary>
    public async Task<PresenceCheckpoint?> CommitAsync(Func<bool> change, Func<Task> beforeGraceWrite, WebhookCause cause = default)
    {
        var checkpoint = presence.Checkpoint();
        if (!change())
            return null;
        var graceStarted = presence.Seal(checkpoint);
        var sealedState = presence.State;
        local.BeginWrite();
        try
        {
            if (graceStarted)
                await beforeGraceWrite();
            state.State = presence.State;
            presence.State.SetPendingWebhooks(webhooks?.Collect(checkpoint.Before, presence.State, cause));
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
            sealedState.SetPendingWebhooks(null); // written or not, they never go with another write
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
