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
    /// Client secret of the <c>client_credentials</c> grant. The key that signs new tokens is derived from it: changing it
    /// revokes every token issued for the app, unless the old secret moves to <see cref="PreviousClientSecrets"/>.
    /// </summary>
    public string ClientSecret { get; set; } = "";

    /// <summary>
    /// Secrets this app had before (newest first): tokens signed with keys derived from them still verify until they
    /// expire, but only <see cref="ClientSecret"/> signs new tokens or grants app tokens. Rotate by moving the current
    /// secret here and setting a new one; drop it once the longest token lifetime has passed.
    /// </summary>
    public List<string> PreviousClientSecrets { get; set; } = [];

    /// <summary>Optional: the app's Tencent SDKAppID and key, for UserSigs and Tencent's REST route.</summary>
    public TencentAppOptions? Tencent { get; set; }

    /// <summary>Whether <c>POST /{org}/{app}/users</c> registers users without an app token (Easemob's open registration). Off by default.</summary>
    public bool OpenRegistration { get; set; }

    /// <summary>
    /// Whether presence routes, user tokens and sockets refuse users that are not registered (404), and subscriptions to
    /// them fail. Off by default: any valid username has presence.
    /// </summary>
    public bool RequireRegisteredUsers { get; set; }

    /// <summary>
    /// Whether users get their contacts' presence events without subscribing (Tencent's friend status notification).
    /// Off by default; read at each change, so a configuration reload applies it without a restart.
    /// </summary>
    public bool FriendStatusNotification { get; set; }

    /// <summary>Status webhooks of this app (<c>Presence:Apps:N:Webhooks:M</c>, docs/webhooks.md); none by default.</summary>
    public List<WebhookRuleOptions> Webhooks { get; set; } = [];
}
