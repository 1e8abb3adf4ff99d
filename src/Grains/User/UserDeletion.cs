using Microsoft.Extensions.Logging;

namespace Presence.Grains;

/// <summary>
/// The rows of a deleted user, once its devices are gone and its resources offline: its subscriptions (the targets
/// released), the rows of its watchers (each told one way, so that their devices hear the subscription ended) and its
/// contacts (the friends told one way).
/// </summary>
internal sealed class UserDeletion(
    ISubscriptionTable table,
    SubscriptionBook subscriptions,
    SubscriptionWriter writer,
    WatcherBook watchers,
    ContactWriter contacts,
    UserGrainCalls calls,
    string self,
    string grainKey,
    string appPrefix,
    ILogger logger)
{
    public async Task DeleteRowsAsync()
    {
        var subscriptionCount = subscriptions.Count;
        await writer.UnsubscribeAsync([]);
        var rows = await table.ReadByTargetAsync(grainKey, CancellationToken.None);
        await table.WriteAsync([], rows.Select(row => new SubscriptionKey(row.Subscriber, row.Target)).ToList(), CancellationToken.None);
        foreach (var row in rows)
        {
            if (row.Subscriber.StartsWith(appPrefix, StringComparison.Ordinal))
                _ = calls.User(row.Subscriber[appPrefix.Length..]).TargetDeletedAsync(self);
        }
        watchers.Clear();
        var contactCount = await contacts.RemoveAllAsync();
        logger.LogUserDeleted(grainKey, subscriptionCount, rows.Count, contactCount);
    }
}
