namespace Presence.Webhooks;

/// <summary>Callbacks of one rule that still failed after their retries, kept for a time for a resend.</summary>
public sealed record WebhookFailedSummary(string Rule, long Count, DateTimeOffset? Oldest, DateTimeOffset? Newest);
