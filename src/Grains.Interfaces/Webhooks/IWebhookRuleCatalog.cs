namespace Presence.Webhooks;

/// <summary>The enabled webhook rules of each app (the API's configuration); a silo without any has <see cref="None"/>.</summary>
public interface IWebhookRuleCatalog
{
    /// <summary>The enabled rules of <c>{org}/{app}</c> (lower-case); empty, never null, when the app has none.</summary>
    IReadOnlyList<WebhookRule> RulesOf(string org, string app);

    /// <summary>A catalog without rules: the default, so a user grain pays nothing for webhooks.</summary>
    public static IWebhookRuleCatalog None { get; } = new NoWebhookRules();

    private sealed class NoWebhookRules : IWebhookRuleCatalog
    {
        public IReadOnlyList<WebhookRule> RulesOf(string org, string app) => [];
    }
}
