namespace Presence.Orleans.Grains;

/// <summary>Subscription rows in process memory, indexed by subscriber and by target.</summary>
internal sealed class InMemorySubscriptionTable : ISubscriptionTable
{
    private readonly Dictionary<string, Dictionary<string, DateTimeOffset>> _bySubscriber = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, DateTimeOffset>> _byTarget = new(StringComparer.Ordinal);
    private readonly object _lock = new();

    public Task<IReadOnlyList<SubscriptionRow>> ReadBySubscriberAsync(string subscriber, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<SubscriptionRow> rows = _bySubscriber.TryGetValue(subscriber, out var targets)
                ? targets.Select(t => new SubscriptionRow(subscriber, t.Key, t.Value)).ToList()
                : [];
            return Task.FromResult(rows);
        }
    }

    public Task<IReadOnlyList<SubscriptionRow>> ReadByTargetAsync(string target, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<SubscriptionRow> rows = _byTarget.TryGetValue(target, out var subscribers)
                ? subscribers.Select(s => new SubscriptionRow(s.Key, target, s.Value)).ToList()
                : [];
            return Task.FromResult(rows);
        }
    }

    public Task WriteAsync(IReadOnlyCollection<SubscriptionRow> upserts, IReadOnlyCollection<SubscriptionKey> deletes, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            foreach (var key in deletes)
            {
                Remove(_bySubscriber, key.Subscriber, key.Target);
                Remove(_byTarget, key.Target, key.Subscriber);
            }
            foreach (var row in upserts)
            {
                Set(_bySubscriber, row.Subscriber, row.Target, row.ExpiresAt);
                Set(_byTarget, row.Target, row.Subscriber, row.ExpiresAt);
            }
        }
        return Task.CompletedTask;
    }

    private static void Set(Dictionary<string, Dictionary<string, DateTimeOffset>> index, string from, string to, DateTimeOffset expiresAt)
    {
        if (!index.TryGetValue(from, out var edges))
            index[from] = edges = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        edges[to] = expiresAt;
    }

    private static void Remove(Dictionary<string, Dictionary<string, DateTimeOffset>> index, string from, string to)
    {
        if (index.TryGetValue(from, out var edges) && edges.Remove(to) && edges.Count == 0)
            index.Remove(from);
    }
}
