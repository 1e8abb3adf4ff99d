using Presence.Webhooks;

namespace Presence.Grains;

/// <summary>
/// Why the grain changed the presence, as far as webhooks care: the diff of the state tells logins from logouts, the
/// cause tells a logout from a lost device, and a connection onto a resource that is online already (a login again,
/// or one that replaced another connection) from nothing.
/// </summary>
internal readonly record struct WebhookCause(WebhookCauseKind Kind, string? Resource = null, bool Replacing = false)
{
    public static WebhookCause Rest => new(WebhookCauseKind.Rest);

    public static WebhookCause Connect(string resource, bool replacing) => new(WebhookCauseKind.Connect, resource, replacing);

    public static WebhookCause Disconnect(bool logout) => new(logout ? WebhookCauseKind.Logout : WebhookCauseKind.LinkClose);

    public static WebhookCause TimedOut => new(WebhookCauseKind.TimeOut);

    /// <summary>The cause of a device that went offline without logging out.</summary>
    public WebhookLostCause LostCause => Kind == WebhookCauseKind.TimeOut ? WebhookLostCause.TimeOut : WebhookLostCause.LinkClose;
}
