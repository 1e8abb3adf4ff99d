namespace Presence.Storage;

/// <summary>
/// Subscriptions stored as rows (subscriber, target, expiry), readable from either end. Large watcher
/// sets (100,000+ subscribers of one grain) are therefore never rewritten as one blob: a change touches
/// only its rows, and each batch is one round trip.
/// </summary>
public interface ISubscriptionTable
{
    Task<IReadOnlyList<SubscriptionRow>> ReadBySubscriberAsync(string subscriber, CancellationToken cancellationToken);

    Task<IReadOnlyList<SubscriptionRow>> ReadByTargetAsync(string target, CancellationToken cancellationToken);

    /// <summary>Applies upserts and deletes atomically, in one round trip.</summary>
    Task WriteAsync(IReadOnlyCollection<SubscriptionRow> upserts, IReadOnlyCollection<SubscriptionKey> deletes, CancellationToken cancellationToken);
}
