using Presence.Webhooks;

namespace Presence.Api;

/// <summary>
/// One webhook rule of an app (<c>Presence:Apps:N:Webhooks:M</c>): where its callbacks go, how they are signed, which
/// events and in which body. See docs/webhooks.md.
/// </summary>
public sealed class WebhookRuleOptions
{
    /// <summary>
    /// Names the rule in the operator routes, metrics and the outbox (<c>{org}/{app}/{Name}</c>); defaults to its index
    /// M. Set it when rules may be reordered: pending callbacks belong to the name.
    /// </summary>
    public string? Name { get; set; }

    /// <summary>The receiver, an absolute <c>https</c> (or <c>http</c>) URL. Loopback and private addresses need <c>Presence:Webhooks:AllowedHosts</c>.</summary>
    public string Url { get; set; } = "";

    /// <summary>
    /// Signs every request. A Standard Webhooks secret (<c>whsec_</c> + base64) gives its decoded bytes as the HMAC key;
    /// any other string gives its UTF-8 bytes. Easemob's <c>security</c> field uses the string as configured.
    /// </summary>
    [Redact]
    public string Secret { get; set; } = "";

    /// <summary><c>Easemob</c> (the default) or <c>Tencent</c>.</summary>
    public WebhookFormat Format { get; set; } = WebhookFormat.Easemob;

    /// <summary>The events to send (e.g. <c>"Login, Logout, Lost"</c>); none: login, logout, replaced and lost.</summary>
    public WebhookEventKinds Events { get; set; }

    /// <summary>Off: the rule is kept but no callback is made for it.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>One POST carries a JSON array of up to 1,000 events, at most one POST per second.</summary>
    public bool Batch { get; set; }

    /// <summary>Tencent only: the <c>SdkAppid</c> query parameter of each callback; 0 takes the app's <c>Tencent:SdkAppId</c>.</summary>
    public long SdkAppId { get; set; }

    /// <summary>The events asked for, with the default applied.</summary>
    internal WebhookEventKinds EffectiveEvents => Events == WebhookEventKinds.None ? WebhookEventKinds.Default : Events;
}
