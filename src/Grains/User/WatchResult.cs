namespace Presence.Grains;

/// <summary>Answer of a target to a would-be watcher: admitted or not (full), and its presence.</summary>
[GenerateSerializer, Immutable, Alias("presence.WatchResult")]
internal sealed record WatchResult([property: Id(0)] bool Accepted, [property: Id(1)] PresenceSnapshot Presence);
