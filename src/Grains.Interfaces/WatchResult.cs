namespace Presence.Orleans.Grains;

/// <summary>Answer of a target to a would-be watcher: admitted or not (full), and its presence.</summary>
public sealed record WatchResult(bool Accepted, PresenceSnapshot Presence);
