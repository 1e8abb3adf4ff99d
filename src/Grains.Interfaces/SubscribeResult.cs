namespace Presence.Grains;

/// <summary>Outcome of a subscribe call: the targets now watched (with absolute expiry) and the ones that were full.</summary>
[GenerateSerializer, Immutable, Alias("presence.SubscribeResult")]
public sealed record SubscribeResult(
    [property: Id(0)] IReadOnlyList<SubscribedPresence> Subscribed,
    [property: Id(1)] IReadOnlyList<string> Failed);

/// <summary>A target's presence at subscription time and when the subscription ends (Unix seconds).</summary>
[GenerateSerializer, Immutable, Alias("presence.SubscribedPresence")]
public sealed record SubscribedPresence([property: Id(0)] PresenceSnapshot Presence, [property: Id(1)] long Expiry);
