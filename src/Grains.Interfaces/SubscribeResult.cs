namespace Presence.Orleans.Grains;

/// <summary>Outcome of a subscribe call: the targets now watched (with absolute expiry) and the ones that were full.</summary>
public sealed record SubscribeResult(IReadOnlyList<SubscribedPresence> Subscribed, IReadOnlyList<string> Failed);

/// <summary>A target's presence at subscription time and when the subscription ends (Unix seconds).</summary>
public sealed record SubscribedPresence(PresenceSnapshot Presence, long Expiry);
