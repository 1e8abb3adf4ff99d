namespace Presence.Storage;

/// <summary>One edge of the pub-sub graph: <paramref name="Subscriber"/> watches <paramref name="Target"/> until <paramref name="ExpiresAt"/>. Both are grain keys.</summary>
public readonly record struct SubscriptionRow(string Subscriber, string Target, DateTimeOffset ExpiresAt);

/// <summary>Identifies a row to delete.</summary>
public readonly record struct SubscriptionKey(string Subscriber, string Target);
