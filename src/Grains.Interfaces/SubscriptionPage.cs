namespace Presence.Orleans.Grains;

/// <summary>One page of live subscriptions and the total count of them.</summary>
public sealed record SubscriptionPage(int Total, IReadOnlyList<SubscriptionEntry> Items);

/// <summary>A subscription (or watcher) and its absolute expiry in Unix seconds.</summary>
public sealed record SubscriptionEntry(string Uid, long Expiry);
