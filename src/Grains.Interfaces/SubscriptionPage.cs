namespace Presence.Grains;

/// <summary>One page of live subscriptions and the total count of them.</summary>
[GenerateSerializer, Immutable, Alias("presence.SubscriptionPage")]
public sealed record SubscriptionPage([property: Id(0)] int Total, [property: Id(1)] IReadOnlyList<SubscriptionEntry> Items);

/// <summary>A subscription (or watcher) and its absolute expiry in Unix seconds.</summary>
[GenerateSerializer, Immutable, Alias("presence.SubscriptionEntry")]
public sealed record SubscriptionEntry([property: Id(0)] string Uid, [property: Id(1)] long Expiry);
