namespace Presence.Orleans.Grains;

/// <summary>The status of one resource (device) and when it last changed, which orders eviction.</summary>
internal sealed record ResourceState
{
    public string Status { get; set; } = "0";

    public DateTimeOffset ChangedAt { get; set; }

    /// <summary>Offline because its device logged out explicitly (not lost, not set over REST).</summary>
    public bool LoggedOut { get; set; }
}
