using System.Globalization;
using Microsoft.Extensions.Options;
using Presence.Webhooks;

namespace Presence.Api;

/// <summary>
/// Every configured webhook rule (<c>Presence:Apps:N:Webhooks:M</c>), built once at start; the user grains' catalog of
/// the enabled ones (<see cref="IWebhookRuleCatalog"/>).
/// </summary>
internal sealed class WebhookRuleRegistry : IWebhookRuleCatalog
{
    private readonly Dictionary<string, IReadOnlyList<WebhookRule>> _enabledByApp = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ConfiguredWebhookRule> _byId = new(StringComparer.Ordinal);

    public WebhookRuleRegistry(IOptions<PresenceAppsOptions> apps)
    {
        var all = new List<ConfiguredWebhookRule>();
        foreach (var app in apps.Value.Apps)
        {
            var org = app.Org.ToLowerInvariant();
            var name = app.App.ToLowerInvariant();
            var enabled = new List<WebhookRule>();
            for (var i = 0; i < app.Webhooks.Count; i++)
            {
                var options = app.Webhooks[i];
                if (options.SdkAppId == 0 && app.Tencent?.SdkAppId is { } sdkAppId)
                    options.SdkAppId = sdkAppId; // a Tencent rule's SdkAppid is the app's own unless the rule says otherwise
                var rule = new ConfiguredWebhookRule(org, name, NameOf(options, i), options);
                all.Add(rule);
                _byId[rule.Id] = rule;
                if (options.Enabled)
                    enabled.Add(rule.Rule);
            }
            if (enabled.Count > 0)
                _enabledByApp[$"{org}/{name}"] = enabled;
        }
        Rules = all;
    }

    /// <summary>Every rule, enabled or not, in configuration order.</summary>
    public IReadOnlyList<ConfiguredWebhookRule> Rules { get; }

    public IReadOnlyList<WebhookRule> RulesOf(string org, string app) =>
        _enabledByApp.TryGetValue($"{org}/{app}", out var rules) ? rules : [];

    public ConfiguredWebhookRule? Find(string id) => _byId.GetValueOrDefault(id);

    internal static string NameOf(WebhookRuleOptions options, int index) =>
        string.IsNullOrWhiteSpace(options.Name) ? index.ToString(CultureInfo.InvariantCulture) : options.Name.ToLowerInvariant();
}
