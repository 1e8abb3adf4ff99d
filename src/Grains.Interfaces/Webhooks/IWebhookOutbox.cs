namespace Presence.Webhooks;

/// <summary>
/// The webhook outbox: events written with the state change that caused them (by the grain storage), drained by one
/// sender per rule at a time (a lease), and the failed storage where callbacks that still failed are kept for a resend.
/// PostgreSQL tables with the PostgreSQL storage; this process's memory with the embedded default.
/// </summary>
public interface IWebhookOutbox
{
    /// <summary>Adds events outside a state change (an operator's test event, a resend); in commit order.</summary>
    Task AppendAsync(IReadOnlyList<WebhookEvent> events, CancellationToken cancellationToken);

    /// <summary>Takes or renews the lease of <paramref name="rule"/> for <paramref name="owner"/>; false while another owner holds it.</summary>
    Task<bool> TryLeaseAsync(string rule, string owner, TimeSpan duration, CancellationToken cancellationToken);

    /// <summary>The oldest events of <paramref name="rule"/> in commit order, leaving out the ones the caller already holds.</summary>
    Task<IReadOnlyList<WebhookOutboxEntry>> ReadAsync(string rule, IReadOnlyCollection<long> holding, int max, CancellationToken cancellationToken);

    /// <summary>Removes delivered (or dropped) events.</summary>
    Task DeleteAsync(IReadOnlyCollection<long> sequences, CancellationToken cancellationToken);

    /// <summary>Moves events that still failed into the failed storage, with why.</summary>
    Task MoveToFailedAsync(IReadOnlyCollection<long> sequences, string reason, CancellationToken cancellationToken);

    /// <summary>Moves the newest events of <paramref name="rule"/> past <paramref name="limit"/> to the failed storage; returns how many.</summary>
    Task<int> TrimAsync(string rule, int limit, CancellationToken cancellationToken);

    /// <summary>How many events wait for each rule.</summary>
    Task<IReadOnlyDictionary<string, long>> CountAsync(CancellationToken cancellationToken);

    /// <summary>The failed callbacks of <c>{org}/{app}</c> by rule.</summary>
    Task<IReadOnlyList<WebhookFailedSummary>> FailedAsync(string org, string app, CancellationToken cancellationToken);

    /// <summary>Puts the failed callbacks of <c>{org}/{app}</c> back into the outbox (same ids, original order); returns how many.</summary>
    Task<int> RetryFailedAsync(string org, string app, CancellationToken cancellationToken);

    /// <summary>Forgets failed callbacks stored before <paramref name="before"/>.</summary>
    Task<int> PurgeFailedAsync(DateTimeOffset before, CancellationToken cancellationToken);

    /// <summary>
    /// Records whether an operator paused <paramref name="rule"/> (every silo's sender honours it); resuming also clears
    /// its suspension (<see cref="WebhookRuleStatus.ResumedAt"/>).
    /// </summary>
    Task SetPausedAsync(string rule, bool paused, CancellationToken cancellationToken);

    /// <summary>Records the health of a rule as its sender sees it (the paused flag is left as it is).</summary>
    Task ReportAsync(WebhookRuleStatus status, CancellationToken cancellationToken);

    /// <summary>The last recorded status of every rule that has one.</summary>
    Task<IReadOnlyList<WebhookRuleStatus>> StatusAsync(CancellationToken cancellationToken);

    /// <summary>Completes when events were added in this process, or after <paramref name="timeout"/> (other processes' events are polled).</summary>
    Task WaitForEventsAsync(TimeSpan timeout, CancellationToken cancellationToken);
}
