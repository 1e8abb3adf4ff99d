using Presence.Webhooks;

namespace Presence.Storage;

/// <summary>
/// The webhook outbox of the embedded default (memory storage): events in this process, added by the memory grain
/// storage right after the state it stores, so a callback is as durable as the state (neither survives the process).
/// Per rule, at most <see cref="Limit"/> events wait; what does not fit goes to the failed storage, counted.
/// </summary>
public sealed class InMemoryWebhookOutbox(TimeProvider clock, WebhookOutboxSignal signal) : IWebhookOutbox
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, SortedDictionary<long, WebhookEvent>> _byRule = new(StringComparer.Ordinal);
    private readonly SortedDictionary<long, (WebhookEvent Event, DateTimeOffset FailedAt, string Reason)> _failed = [];
    private readonly Dictionary<string, WebhookRuleStatus> _status = new(StringComparer.Ordinal);
    private long _sequence;

    /// <summary>The most events that wait per rule (<c>Presence:Webhooks:QueueLimit</c>, set by the sender).</summary>
    public int Limit { get; set; } = 100_000;

    /// <summary>Events that did not fit and went to the failed storage.</summary>
    public long Overflowed { get; private set; }

    /// <summary>Called by the memory grain storage once a state with events is stored.</summary>
    public void Append(IReadOnlyList<WebhookEvent> events)
    {
        lock (_lock)
        {
            foreach (var e in events)
            {
                var sequence = ++_sequence;
                if (!_byRule.TryGetValue(e.Rule, out var queue))
                    _byRule[e.Rule] = queue = [];
                if (queue.Count >= Limit)
                {
                    _failed[sequence] = (e, clock.GetUtcNow(), "queue full");
                    Overflowed++;
                    continue;
                }
                queue[sequence] = e;
            }
        }
        signal.Set();
    }

    public Task AppendAsync(IReadOnlyList<WebhookEvent> events, CancellationToken cancellationToken)
    {
        Append(events);
        return Task.CompletedTask;
    }

    /// <summary>One process: its sender always holds every rule.</summary>
    public Task<bool> TryLeaseAsync(string rule, string owner, TimeSpan duration, CancellationToken cancellationToken) => Task.FromResult(true);

    public Task<IReadOnlyList<WebhookOutboxEntry>> ReadAsync(string rule, IReadOnlyCollection<long> holding, int max, CancellationToken cancellationToken)
    {
        var entries = new List<WebhookOutboxEntry>();
        lock (_lock)
        {
            if (_byRule.TryGetValue(rule, out var queue))
            {
                foreach (var (sequence, e) in queue)
                {
                    if (entries.Count >= max)
                        break;
                    if (!holding.Contains(sequence))
                        entries.Add(new WebhookOutboxEntry(sequence, e));
                }
            }
        }
        return Task.FromResult<IReadOnlyList<WebhookOutboxEntry>>(entries);
    }

    public Task DeleteAsync(IReadOnlyCollection<long> sequences, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            foreach (var queue in _byRule.Values)
            {
                foreach (var sequence in sequences)
                    queue.Remove(sequence);
            }
        }
        return Task.CompletedTask;
    }

    public Task MoveToFailedAsync(IReadOnlyCollection<long> sequences, string reason, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            foreach (var queue in _byRule.Values)
            {
                foreach (var sequence in sequences)
                {
                    if (queue.Remove(sequence, out var e))
                        _failed[sequence] = (e, clock.GetUtcNow(), reason);
                }
            }
        }
        return Task.CompletedTask;
    }

    public Task<int> TrimAsync(string rule, int limit, CancellationToken cancellationToken)
    {
        var moved = 0;
        lock (_lock)
        {
            if (_byRule.TryGetValue(rule, out var queue))
            {
                foreach (var sequence in queue.Keys.Skip(limit).ToList())
                {
                    _failed[sequence] = (queue[sequence], clock.GetUtcNow(), "queue full");
                    queue.Remove(sequence);
                    moved++;
                }
            }
        }
        return Task.FromResult(moved);
    }

    public Task<IReadOnlyDictionary<string, long>> CountAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
            return Task.FromResult<IReadOnlyDictionary<string, long>>(_byRule.ToDictionary(static p => p.Key, static p => (long)p.Value.Count, StringComparer.Ordinal));
    }

    public Task<IReadOnlyList<WebhookFailedSummary>> FailedAsync(string org, string app, CancellationToken cancellationToken)
    {
        var appKey = $"{org}/{app}";
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<WebhookFailedSummary>>(_failed.Values
                .Where(f => f.Event.AppKey == appKey)
                .GroupBy(static f => f.Event.Rule, StringComparer.Ordinal)
                .OrderBy(static g => g.Key, StringComparer.Ordinal)
                .Select(static g => new WebhookFailedSummary(g.Key, g.Count(), g.Min(static f => f.FailedAt), g.Max(static f => f.FailedAt)))
                .ToList());
        }
    }

    public Task<int> RetryFailedAsync(string org, string app, CancellationToken cancellationToken)
    {
        var appKey = $"{org}/{app}";
        List<WebhookEvent> resend;
        lock (_lock)
        {
            var sequences = _failed.Where(p => p.Value.Event.AppKey == appKey).Select(static p => p.Key).ToList();
            resend = sequences.Select(s => _failed[s].Event).ToList();
            foreach (var sequence in sequences)
                _failed.Remove(sequence);
        }
        Append(resend);
        return Task.FromResult(resend.Count);
    }

    public Task<int> PurgeFailedAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var old = _failed.Where(p => p.Value.FailedAt < before).Select(static p => p.Key).ToList();
            foreach (var sequence in old)
                _failed.Remove(sequence);
            return Task.FromResult(old.Count);
        }
    }

    public Task SetPausedAsync(string rule, bool paused, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var current = _status.GetValueOrDefault(rule) ?? new WebhookRuleStatus { Rule = rule };
            _status[rule] = paused
                ? current with { Paused = true }
                : current with { Paused = false, ResumedAt = clock.GetUtcNow(), SuspendedUntil = null, FailuresInWindow = 0 };
        }
        signal.Set();
        return Task.CompletedTask;
    }

    public Task ReportAsync(WebhookRuleStatus status, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var current = _status.GetValueOrDefault(status.Rule);
            _status[status.Rule] = status with { Paused = current?.Paused ?? false, ResumedAt = current?.ResumedAt };
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<WebhookRuleStatus>> StatusAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
            return Task.FromResult<IReadOnlyList<WebhookRuleStatus>>([.. _status.Values]);
    }

    public Task WaitForEventsAsync(TimeSpan timeout, CancellationToken cancellationToken) => signal.WaitAsync(timeout, cancellationToken);
}
