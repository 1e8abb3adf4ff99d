namespace Presence.Webhooks;

/// <summary>An event in the outbox, with its place in it (commit order: per user, the order of the changes).</summary>
public sealed record WebhookOutboxEntry(long Sequence, WebhookEvent Event);
