namespace Presence.Api;

/// <summary>How one attempt went: delivered (a 2xx with a short body), or failed with why (kept for the failed storage).</summary>
internal readonly record struct WebhookAttempt(bool Delivered, string? Failure, bool Refused = false)
{
    public static WebhookAttempt Success => new(true, null);

    public static WebhookAttempt Failed(string why, bool refused = false) => new(false, why, refused);
}
