namespace Presence.Grains;

/// <summary>How the grains treat device connections, bound from <c>Presence:Realtime</c>.</summary>
public sealed class PresenceRealtimeOptions
{
    public const string SectionName = "Presence:Realtime";

    /// <summary>The longest grace the service allows: past this, a dropped device would look online for too long.</summary>
    public static readonly TimeSpan MaxReconnectGrace = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a device whose connection dropped (not a logout) stays online. If it reconnects with the same resource
    /// within it, watchers see nothing; otherwise it goes offline with <c>last_time</c> at the drop. Zero (the default):
    /// offline at once.
    /// </summary>
    public TimeSpan ReconnectGrace { get; set; } = TimeSpan.Zero;
}
