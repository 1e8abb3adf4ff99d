namespace Presence.Webhooks;

/// <summary>
/// A grain state that carries the webhook events of the change it stores. The grain storage writes them to the
/// outbox in the same commit as the state (PostgreSQL: the same transaction), so an acknowledged change never loses
/// its callbacks. Null or empty: nothing to add, and the write is the plain state write.
/// </summary>
public interface IWebhookEventCarrier
{
    IReadOnlyList<WebhookEvent>? PendingWebhooks { get; }
}
