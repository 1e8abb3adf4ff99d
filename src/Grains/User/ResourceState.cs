namespace Presence.Grains;

/// <summary>
/// The status of one resource (device) and when it last changed, which orders eviction. Never changed once made
/// (a change replaces it), so copies of the state share it.
/// </summary>
[GenerateSerializer, Immutable, Alias("presence.ResourceState")]
internal sealed record ResourceState
{
    [Id(0)]
    public string Status { get; init; } = "0";

    [Id(1)]
    public DateTimeOffset ChangedAt { get; init; }

    /// <summary>Offline because its device logged out explicitly (not lost, not set over REST).</summary>
    [Id(2)]
    public bool LoggedOut { get; init; }

    /// <summary>
    /// Online because a connection holds it. After a crash no connection does any more: such a resource without
    /// a registered device is an orphan, set offline once devices had time to reconnect.
    /// </summary>
    [Id(3)]
    public bool Connected { get; init; }
}
