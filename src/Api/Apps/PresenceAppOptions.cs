namespace Presence.Api;

/// <summary>One tenant: an app of an organization and the client credentials that obtain its app tokens.</summary>
public sealed class PresenceAppOptions
{
    /// <summary>Organization name, the first path segment (<c>/{org}/{app}/…</c>); compared case-insensitively.</summary>
    public string Org { get; set; } = "";

    /// <summary>App name, the second path segment; compared case-insensitively.</summary>
    public string App { get; set; } = "";

    /// <summary>Client id of the <c>client_credentials</c> grant.</summary>
    public string ClientId { get; set; } = "";

    /// <summary>
    /// Client secret of the <c>client_credentials</c> grant. Token signing keys are derived from it:
    /// changing it revokes every token issued for the app.
    /// </summary>
    public string ClientSecret { get; set; } = "";

    /// <summary>Status webhooks of this app (<c>Presence:Apps:N:Webhooks:M</c>, docs/webhooks.md); none by default.</summary>
    public List<WebhookRuleOptions> Webhooks { get; set; } = [];
}
