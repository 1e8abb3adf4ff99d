using Microsoft.Extensions.Options;
using Presence.Webhooks;

namespace Presence.Api;

/// <summary>Every app's webhook rules can be sent: an absolute http(s) URL, a secret, a known format and events, unique names.</summary>
internal sealed class WebhookRulesValidator : IValidateOptions<PresenceAppsOptions>
{
    private const WebhookEventKinds AllKinds = WebhookEventKinds.Login | WebhookEventKinds.Logout | WebhookEventKinds.Replaced
        | WebhookEventKinds.Lost | WebhookEventKinds.Status;

    public ValidateOptionsResult Validate(string? name, PresenceAppsOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.Apps.Count; i++)
        {
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var rules = options.Apps[i].Webhooks;
            for (var m = 0; m < rules.Count; m++)
            {
                var rule = rules[m];
                var at = $"{PresenceAppsOptions.SectionName}:{nameof(PresenceAppsOptions.Apps)}:{i}:{nameof(PresenceAppOptions.Webhooks)}:{m}";
                if (!Uri.TryCreate(rule.Url, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http"))
                    failures.Add($"{at}:{nameof(WebhookRuleOptions.Url)} must be an absolute https:// (or http://) URL (got '{rule.Url}').");
                else if (!string.IsNullOrEmpty(url.UserInfo))
                    failures.Add($"{at}:{nameof(WebhookRuleOptions.Url)} must not carry credentials: sign with {nameof(WebhookRuleOptions.Secret)} instead.");
                if (string.IsNullOrWhiteSpace(rule.Secret))
                    failures.Add($"{at}:{nameof(WebhookRuleOptions.Secret)} is required: it signs every callback (whsec_ + base64, or any string).");
                if (!Enum.IsDefined(rule.Format))
                    failures.Add($"{at}:{nameof(WebhookRuleOptions.Format)} must be Easemob or Tencent.");
                if ((rule.Events & ~AllKinds) != 0)
                    failures.Add($"{at}:{nameof(WebhookRuleOptions.Events)} may list only Login, Logout, Replaced, Lost and Status.");
                if (rule.Name is { } ruleName && (ruleName.Length is 0 or > 64 || !ruleName.All(static c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')))
                    failures.Add($"{at}:{nameof(WebhookRuleOptions.Name)} must be 1-64 characters of A-Z a-z 0-9 _ - . (got '{ruleName}').");
                if (!names.Add(WebhookRuleRegistry.NameOf(rule, m)))
                    failures.Add($"{at}: the rule name '{WebhookRuleRegistry.NameOf(rule, m)}' is used twice in this app; give each rule its own {nameof(WebhookRuleOptions.Name)}.");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
