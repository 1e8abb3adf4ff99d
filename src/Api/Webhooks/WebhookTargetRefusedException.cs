namespace Presence.Api;

/// <summary>A callback's host resolves only to addresses that are not public, and the allow-list does not name it.</summary>
internal sealed class WebhookTargetRefusedException(string host)
    : Exception($"Webhook target '{host}' is loopback, link-local or private; name it in {WebhookOptions.SectionName}:{nameof(WebhookOptions.AllowedHosts)} to allow it.")
{
    public string Host { get; } = host;
}
