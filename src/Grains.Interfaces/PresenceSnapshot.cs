namespace Presence.Orleans.Grains;

/// <summary>
/// A user's presence at one version. <see cref="Status"/> maps resource to status ("0" offline,
/// "1" online, anything else custom). <see cref="LastTime"/> is Unix seconds of the last login or logout.
/// </summary>
public sealed record PresenceSnapshot(
    string Uid,
    long LastTime,
    string Ext,
    IReadOnlyDictionary<string, string> Status,
    long Version,
    PresenceStatusType StatusType)
{
    public static PresenceSnapshot Empty(string uid) =>
        new(uid, 0, "", new Dictionary<string, string>(), 0, PresenceStatusType.Unlogined);
}
