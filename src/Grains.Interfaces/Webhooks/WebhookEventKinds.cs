namespace Presence.Webhooks;

/// <summary>
/// The events a rule asks for (<c>Presence:Apps:N:Webhooks:M:Events</c>, e.g. <c>"Login, Logout, Lost"</c>). None
/// configured means <see cref="Default"/>: every login and logout, not <see cref="Status"/>.
/// </summary>
[Flags]
public enum WebhookEventKinds
{
    None = 0,

    /// <summary>A device logs in: a socket opened, or R1 from "0" (or a first status other than "0").</summary>
    Login = 1,

    /// <summary>A device logs out explicitly (socket logout, or R1 to "0").</summary>
    Logout = 2,

    /// <summary>A second connection for the same resource replaced the first.</summary>
    Replaced = 4,

    /// <summary>A device is lost: its connection dropped or its heartbeat (lease) timed out.</summary>
    Lost = 8,

    /// <summary>The custom status or <c>ext</c> changed while the device stayed online (optional, off by default).</summary>
    Status = 16,

    Default = Login | Logout | Replaced | Lost,
}
