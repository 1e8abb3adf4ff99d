using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;

namespace Presence.Orleans.Grains;

/// <summary>
/// One user grain's calls to the other users of its app (<see cref="IUserPresenceProtocol"/>): to the targets it watches,
/// awaited, and to its watchers, one way. Usernames are bare; keys are made once per call.
/// </summary>
internal sealed class UserGrainCalls(IGrainFactory grains, AppNames app, string self, string grainKey, ILogger logger)
{
    public IUserPresenceProtocol User(string username) => StringKeyedGrains<IUserPresenceProtocol>.Get(grains, app.Prefix + username);

    /// <summary>
    /// Asks each target (keyed <paramref name="keys"/>, made once for the call and the row) to admit <paramref name="request"/>,
    /// with one resume for all the answers. If any call fails, the targets that admitted are set back
    /// (<paramref name="restore"/>) and the first failure is thrown.
    /// </summary>
    public async Task<(Dictionary<string, PresenceSnapshot> Accepted, List<string> Failed)> AdmitAsync(
        IReadOnlyList<string> targets, string[] keys, WatchRequest request, Func<IEnumerable<string>, Task> restore)
    {
        var calls = new ValueTask<WatchResult>[targets.Count];
        for (var i = 0; i < targets.Count; i++)
            calls[i] = StringKeyedGrains<IUserPresenceProtocol>.Get(grains, keys[i]).AdmitWatcherAsync(request);
        await GrainCallBatch.WhenAllCompleted(calls);
        var accepted = new Dictionary<string, PresenceSnapshot>(calls.Length, StringComparer.Ordinal);
        var failed = new List<string>();
        Exception? error = null;
        for (var i = 0; i < calls.Length; i++)
        {
            try
            {
                var answer = calls[i].Result;
                if (answer.Accepted)
                    accepted[targets[i]] = answer.Presence;
                else
                    failed.Add(targets[i]);
            }
            catch (Exception ex)
            {
                error ??= ex;
                logger.LogTargetCallFailed(ex, grainKey, targets[i]);
            }
        }
        if (error is not null)
        {
            await restore(accepted.Keys);
            ExceptionDispatchInfo.Throw(error);
        }
        return (accepted, failed);
    }

    /// <summary>Tells targets we no longer watch them. A failure only leaves a watcher that dies at its expiry.</summary>
    public Task ReleaseAsync(IEnumerable<string> targets) =>
        AwaitEachAsync(targets.Select(target => (target, User(target).RemoveWatcherAsync(self))).ToList());

    /// <summary>Sets targets back: re-admitted until their previous expiry (<paramref name="previous"/>), or released.</summary>
    public Task RestoreAsync(IEnumerable<string> targets, Func<string, WatchRequest?> previous) =>
        AwaitEachAsync(targets.Select(target => (target, previous(target) is { } request
            ? User(target).AdmitWatcherAsync(request).AsTask()
            : User(target).RemoveWatcherAsync(self))).ToList());

    /// <summary>One way: tells the targets whether this user has devices connected, and where.</summary>
    public void AnnounceConnection(IEnumerable<string> targets, bool connected, long epoch, bool resync, IPresenceHub[]? hubs)
    {
        foreach (var target in targets)
            _ = User(target).WatcherConnectionChangedAsync(self, connected, epoch, resync, hubs);
    }

    /// <summary>One way: a change, to each process holding watchers' devices and to each watcher grain without one.</summary>
    public void Deliver(PresenceSnapshot snapshot, FanOutPlan plan)
    {
        foreach (var (hub, watchers) in plan.HubDeliveries)
            _ = hub.OnPresenceChanged(new HubDelivery(app.Org, app.App, snapshot, watchers));
        foreach (var watcher in plan.ThroughGrains)
            _ = User(watcher).DeliverPresenceAsync(snapshot); // which checks its own subscription again
    }

    private async Task AwaitEachAsync(List<(string Target, Task Call)> calls)
    {
        foreach (var (target, call) in calls)
        {
            try
            {
                await call;
            }
            catch (Exception ex)
            {
                logger.LogTargetCallFailed(ex, grainKey, target);
            }
        }
    }
}
