namespace Presence.Orleans.Grains;

/// <summary>The status of one resource (device) and when it last changed, which orders eviction.</summary>
internal sealed record ResourceState
{
    public string Status { get; set; } = "0";

    public DateTimeOffset ChangedAt { get; set; }

    /// <summary>Offline because its device logged out explicitly (not lost, not set over REST).</summary>
    public bool LoggedOut { get; set; }

    /// <summary>
    /// Online because a connection holds it. After a crash no connection does any more: such a resource without
    /// a registered device is an orphan, set offline once devices had time to reconnect.
    /// </summary>
    public bool Connected { get; set; }
}
