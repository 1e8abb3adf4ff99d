namespace Presence.Webhooks;

/// <summary>
/// The health of one rule as its sender last recorded it (shared through the outbox, so any silo can answer the
/// operator): paused by an operator, suspended after too many failures, the last success and failure.
/// </summary>
public sealed record WebhookRuleStatus
{
    public required string Rule { get; init; }

    public bool Paused { get; init; }

    public DateTimeOffset? LastSuccess { get; init; }

    public DateTimeOffset? LastFailure { get; init; }

    public int FailuresInWindow { get; init; }

    public DateTimeOffset? SuspendedUntil { get; init; }

    /// <summary>When an operator last resumed the rule: its sender then forgets its suspension and counted failures.</summary>
    public DateTimeOffset? ResumedAt { get; init; }

    /// <summary>The silo whose sender holds the rule (null: none yet).</summary>
    public string? Sender { get; init; }
}
