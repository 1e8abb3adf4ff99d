namespace Presence.Webhooks;

/// <summary>What one webhook event tells (one of <see cref="WebhookEventKinds"/>).</summary>
public enum WebhookEventKind
{
    Login = 1,
    Logout = 2,
    Replaced = 4,
    Lost = 8,
    Status = 16,
}
