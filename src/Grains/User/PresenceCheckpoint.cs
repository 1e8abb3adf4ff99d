namespace Presence.Grains;

/// <summary>The state a change of <see cref="PresenceDocument"/> started from, and whether the user was online then.</summary>
internal readonly record struct PresenceCheckpoint(UserPresenceState Before, bool WasOnline);
