namespace Presence.Grains;

/// <summary>A user's overall status, derived from the resources (Tencent's user status types).</summary>
[GenerateSerializer, Alias("presence.PresenceStatusType")]
public enum PresenceStatusType
{
    /// <summary>Never logged in, or logged out explicitly from every device.</summary>
    Unlogined,
    /// <summary>Resources known, none online.</summary>
    Offline,
    /// <summary>At least one resource is not "0".</summary>
    Online,
}
