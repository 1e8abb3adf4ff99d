using System.Text;
using Presence.Webhooks;

namespace Presence.Api;

/// <summary>One configured rule, ready to send: its id, its app, its options and the key its signatures use.</summary>
internal sealed class ConfiguredWebhookRule
{
    private const string StandardSecretPrefix = "whsec_";

    public ConfiguredWebhookRule(string org, string app, string name, WebhookRuleOptions options)
    {
        Org = org;
        App = app;
        Name = name;
        Id = $"{org}/{app}/{name}";
        Options = options;
        Url = new Uri(options.Url, UriKind.Absolute);
        SigningKey = SigningKeyOf(options.Secret);
        Rule = new WebhookRule(Id, options.Format, options.EffectiveEvents);
    }

    /// <summary><c>{org}/{app}/{name}</c>, lower-case org and app.</summary>
    public string Id { get; }

    public string Org { get; }

    public string App { get; }

    public string Name { get; }

    /// <summary>Easemob's app key, <c>{org}#{app}</c>.</summary>
    public string AppKey => $"{Org}#{App}";

    public WebhookRuleOptions Options { get; }

    public Uri Url { get; }

    public WebhookFormat Format => Options.Format;

    public bool Batch => Options.Batch;

    /// <summary>What a user grain needs of this rule.</summary>
    public WebhookRule Rule { get; }

    /// <summary>The HMAC-SHA256 key of the Standard Webhooks signature.</summary>
    public byte[] SigningKey { get; }

    /// <summary>
    /// The Standard Webhooks rule: a secret <c>whsec_{base64}</c> is the base64 of the key. Any other secret (an Easemob
    /// console secret, say) is used as its UTF-8 bytes, so one secret serves both the <c>security</c> field and the signature.
    /// </summary>
    internal static byte[] SigningKeyOf(string secret) =>
        secret.StartsWith(StandardSecretPrefix, StringComparison.Ordinal) && TryBase64(secret[StandardSecretPrefix.Length..], out var key)
            ? key
            : Encoding.UTF8.GetBytes(secret);

    internal static bool TryBase64(string text, out byte[] bytes)
    {
        bytes = new byte[text.Length];
        if (Convert.TryFromBase64String(text, bytes, out var written) && written > 0)
        {
            bytes = bytes[..written];
            return true;
        }
        return false;
    }
}
