namespace Presence.Grains.Tests;

/// <summary>A user's state record as the grain storage holds it.</summary>
internal sealed record StoredPresence(bool RecordExists, string? ETag, UserPresenceState State);
