using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using Presence.Diagnostics;

namespace Presence.Grains;

/// <summary>
/// Changes what one user watches, in the order that keeps its three copies consistent: the targets admit it first (a
/// full target refuses), then its rows change in one fenced batch, and only then the book — so nothing is in memory that
/// is not durable. A failure sets the targets back (best effort; a leftover watcher dies at its expiry).
/// </summary>
/// <remarks>
/// <paramref name="fence"/> writes the user's state record with its ETag before any row: a stale duplicate activation
/// fails there, before it touches rows. <paramref name="requestUntil"/> makes what a target is told (this user until
/// an expiry, with where its devices are). <paramref name="ended"/> tells the user's devices of subscriptions that ended
/// without their asking.
/// </remarks>
internal sealed class SubscriptionWriter(
    SubscriptionBook book,
    IWatchedUsers targets,
    ISubscriptionTable table,
    Func<Task> fence,
    Func<long, WatchRequest> requestUntil,
    Action<IReadOnlyCollection<string>, SubscriptionEndReason> ended,
    string grainKey,
    string appPrefix,
    ILogger logger)
{
    /// <summary>
    /// Subscribes to <paramref name="usernames"/> (normalized, validated) until <paramref name="expiresAt"/>, ending expired
    /// subscriptions and, past the cap, those with least time left (<see cref="SubscriptionBook.Plan"/>).
    /// </summary>
    public async Task<SubscribeResult> SubscribeAsync(IReadOnlyList<string> usernames, long expiresAt, long now)
    {
        var names = book.NormalizeTargets(usernames);
        // Each target's key is made once, for its call and its row.
        var keys = names.Select(name => appPrefix + name).ToArray();
        var (accepted, failed) = await AdmitAsync(names, keys, requestUntil(expiresAt));
        var plan = book.Plan(accepted, expiresAt, now);
        var upserts = new List<SubscriptionRow>(accepted.Count);
        var subscribed = new List<SubscribedPresence>(accepted.Count);
        var expiry = DateTimeOffset.FromUnixTimeSeconds(expiresAt);
        for (var i = 0; i < names.Count; i++)
        {
            if (accepted.TryGetValue(names[i], out var presence) && !plan.Evicted.Contains(names[i]))
            {
                upserts.Add(new SubscriptionRow(grainKey, keys[i], expiry));
                subscribed.Add(new SubscribedPresence(presence, expiresAt));
            }
        }
        try
        {
            await WriteRowsAsync(upserts, plan.Ended);
        }
        catch
        {
            await RestoreAsync(accepted.Keys);
            throw;
        }
        book.Remove(plan.Ended);
        // Keyed by the target's own string (its snapshot's uid), which a call within the silo passes as is.
        foreach (var kept in subscribed)
            book.Set(kept.Presence.Uid, expiresAt);

        // Rows are gone: the devices are told, then the targets.
        OnEnded(plan.Expired, SubscriptionEndReason.Expired);
        OnEnded(plan.Evicted, SubscriptionEndReason.Evicted);
        await ReleaseAsync(plan.Ended);
        PresenceMetrics.SubscriptionsAddedBy(subscribed.Count);
        logger.LogSubscribed(grainKey, subscribed.Count, failed.Count, plan.Evicted.Count);
        return new SubscribeResult(subscribed, failed);
    }

    /// <summary>
    /// Ends these subscriptions; none named ends all. Named rows are deleted even when the book does not know them, and the
    /// write is fenced even when it deletes nothing: a stale duplicate activation must fail (and the call be retried on
    /// fresh state), not answer "ok" for nothing. Returns how many the book held.
    /// </summary>
    public async Task<int> UnsubscribeAsync(IReadOnlyList<string> usernames)
    {
        var names = usernames.Count == 0
            ? book.Entries.Keys.ToList()
            : usernames.Select(ExpiryEntries.Normalize).Distinct(StringComparer.Ordinal).ToList();
        await WriteRowsAsync([], names);
        names.RemoveAll(name => !book.TryGetExpiry(name, out _));
        if (names.Count == 0)
            return 0;
        book.Remove(names);
        PresenceMetrics.SubscriptionsEndedBy(names.Count, "unsubscribed");
        await ReleaseAsync(names);
        logger.LogUnsubscribed(grainKey, names.Count);
        return names.Count;
    }

    /// <summary>Ends every subscription whose expiry has passed.</summary>
    public async Task ExpireAsync(long now)
    {
        var expired = book.Due(now);
        if (expired.Count == 0)
            return;
        await WriteRowsAsync([], expired);
        book.Remove(expired);
        OnEnded(expired, SubscriptionEndReason.Expired);
        await ReleaseAsync(expired);
    }

    /// <summary>
    /// <paramref name="target"/> was deleted: the subscription ends and the devices are told. Not fenced: the target
    /// deleted its watchers' rows already, so this only catches a row written after it read them.
    /// </summary>
    public async Task TargetDeletedAsync(string target)
    {
        if (!book.TryGetExpiry(target, out _))
            return;
        await table.WriteAsync([], [new SubscriptionKey(grainKey, appPrefix + target)], CancellationToken.None);
        book.Remove([target]);
        ended([target], SubscriptionEndReason.Deleted);
    }

    /// <summary>Each target admits or refuses, with one resume for all the answers; if any call fails, the rest are set back.</summary>
    private async Task<(Dictionary<string, PresenceSnapshot> Accepted, List<string> Failed)> AdmitAsync(
        IReadOnlyList<string> names, string[] keys, WatchRequest request)
    {
        var calls = new ValueTask<WatchResult>[names.Count];
        for (var i = 0; i < names.Count; i++)
            calls[i] = targets.AdmitAsync(keys[i], request);
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
                    accepted[names[i]] = answer.Presence;
                else
                    failed.Add(names[i]);
            }
            catch (Exception ex)
            {
                error ??= ex;
                logger.LogTargetCallFailed(ex, grainKey, names[i]);
            }
        }
        if (error is not null)
        {
            await RestoreAsync(accepted.Keys);
            ExceptionDispatchInfo.Throw(error);
        }
        return (accepted, failed);
    }

    /// <summary>Changes this user's rows, fenced: the state record goes first with its ETag.</summary>
    private async Task WriteRowsAsync(IReadOnlyCollection<SubscriptionRow> upserts, IEnumerable<string> deletes)
    {
        var keys = deletes.Select(name => new SubscriptionKey(grainKey, appPrefix + name)).ToList();
        await fence();
        if (upserts.Count > 0 || keys.Count > 0)
            await table.WriteAsync(upserts, keys, CancellationToken.None);
    }

    private void OnEnded(IReadOnlyCollection<string> names, SubscriptionEndReason reason)
    {
        if (names.Count == 0)
            return;
        logger.LogSubscriptionsEnded(grainKey, names.Count, reason);
        PresenceMetrics.SubscriptionsEndedBy(names.Count, reason == SubscriptionEndReason.Evicted ? "evicted" : "expired");
        ended(names, reason);
    }

    /// <summary>Undoes a subscribe that could not complete: targets go back to the expiry they had, or forget us.</summary>
    private Task RestoreAsync(IEnumerable<string> names) =>
        AwaitEachAsync(names.Select(name => (name, book.TryGetExpiry(name, out var previous)
            ? targets.AdmitAsync(appPrefix + name, requestUntil(previous)).AsTask()
            : targets.ReleaseAsync(name))).ToList());

    /// <summary>Tells targets we no longer watch them. A failure only leaves a watcher that dies at its expiry.</summary>
    private Task ReleaseAsync(IEnumerable<string> names) =>
        AwaitEachAsync(names.Select(name => (name, targets.ReleaseAsync(name))).ToList());

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
