namespace Presence.Webhooks;

/// <summary>
/// What a user grain needs to know of one enabled webhook rule of its app: its id (<c>{org}/{app}/{name}</c>, the
/// outbox's key), its body format (which decides the events that are worth a row) and the events it asked for.
/// </summary>
public sealed record WebhookRule(string Id, WebhookFormat Format, WebhookEventKinds Events)
{
    public bool Wants(WebhookEventKind kind) => (Events & (WebhookEventKinds)kind) != 0;
}
