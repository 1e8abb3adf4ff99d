namespace Presence.Grains;

/// <summary>
/// A user's presence at one version. <see cref="Status"/> maps resource to status ("0" offline,
/// "1" online, anything else custom). <see cref="LastTime"/> is Unix seconds of the last login or logout.
/// Built once per change and never mutated, so local calls pass it without a copy.
/// </summary>
[GenerateSerializer, Immutable, Alias("presence.PresenceSnapshot")]
public sealed record PresenceSnapshot(
    [property: Id(0)] string Uid,
    [property: Id(1)] long LastTime,
    [property: Id(2)] string Ext,
    [property: Id(3)] IReadOnlyDictionary<string, string> Status,
    [property: Id(4)] long Version,
    [property: Id(5)] PresenceStatusType StatusType)
{
    /// <summary>
    /// Wall-clock Unix milliseconds of the change this snapshot shows (0 when unknown): the start of the
    /// change-to-delivery latency that gateways measure. Not part of any client-visible body.
    /// </summary>
    [Id(6)]
    public long ChangedAtUnixMs { get; init; }

    public static PresenceSnapshot Empty(string uid) =>
        new(uid, 0, "", new Dictionary<string, string>(), 0, PresenceStatusType.Unlogined);
}
