namespace Presence.Storage;

/// <summary>
/// Subscription rows in process memory, readable from both ends. One node per user with rows: its key string once,
/// the users it watches and the users watching it, each edge keyed by the other node's key (no string per row) and
/// holding the expiry as Unix seconds. A node goes when its last row does.
/// </summary>
internal sealed class InMemorySubscriptionTable : ISubscriptionTable
{
    private readonly Dictionary<string, Node> _nodes = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public Task<IReadOnlyList<SubscriptionRow>> ReadBySubscriberAsync(string subscriber, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<SubscriptionRow> rows = _nodes.TryGetValue(subscriber, out var node) && node.Targets is { } targets
                ? targets.Select(t => new SubscriptionRow(node.Key, t.Key, DateTimeOffset.FromUnixTimeSeconds(t.Value))).ToList()
                : [];
            return Task.FromResult(rows);
        }
    }

    public Task<IReadOnlyList<SubscriptionRow>> ReadByTargetAsync(string target, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<SubscriptionRow> rows = _nodes.TryGetValue(target, out var node) && node.Subscribers is { } subscribers
                ? subscribers.Select(s => new SubscriptionRow(s.Key, node.Key, DateTimeOffset.FromUnixTimeSeconds(s.Value))).ToList()
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
                if (!_nodes.TryGetValue(key.Subscriber, out var subscriber) || !_nodes.TryGetValue(key.Target, out var target))
                    continue;
                subscriber.Targets?.Remove(target.Key);
                target.Subscribers?.Remove(subscriber.Key);
                ForgetIfEmpty(subscriber);
                ForgetIfEmpty(target);
            }
            foreach (var row in upserts)
            {
                var subscriber = NodeOf(row.Subscriber);
                var target = NodeOf(row.Target);
                var expiresAt = row.ExpiresAt.ToUnixTimeSeconds();
                (subscriber.Targets ??= new(StringComparer.Ordinal))[target.Key] = expiresAt;
                (target.Subscribers ??= new(StringComparer.Ordinal))[subscriber.Key] = expiresAt;
            }
        }
        return Task.CompletedTask;
    }

    private Node NodeOf(string key)
    {
        if (!_nodes.TryGetValue(key, out var node))
            _nodes[key] = node = new Node(key);
        return node;
    }

    private void ForgetIfEmpty(Node node)
    {
        if (node.Targets is not { Count: > 0 } && node.Subscribers is not { Count: > 0 })
            _nodes.Remove(node.Key);
    }

    /// <summary>A user with rows: its key (the one instance every edge to it uses) and both ends of its rows.</summary>
    private sealed class Node(string key)
    {
        public string Key { get; } = key;

        /// <summary>Users this one watches → expiry (Unix seconds); null until it has any.</summary>
        public Dictionary<string, long>? Targets { get; set; }

        /// <summary>Users watching this one → expiry (Unix seconds); null until it has any.</summary>
        public Dictionary<string, long>? Subscribers { get; set; }
    }
}
