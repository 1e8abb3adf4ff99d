using Presence.Webhooks;

namespace Presence.Api;

/// <summary>How the delivery of taken events ended: delivered, given up (to the failed storage, with why), or abandoned (the lease was lost).</summary>
internal sealed record WebhookOutcome(IReadOnlyList<WebhookOutboxEntry> Entries, bool Delivered, string? Failure);
