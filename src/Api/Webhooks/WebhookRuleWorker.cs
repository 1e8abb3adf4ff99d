using System.Security.Cryptography;
using System.Text;
using Presence.Webhooks;

namespace Presence.Api;

/// <summary>
/// Sends one rule's callbacks from this silo while it holds the rule's lease: reads the outbox in commit order into a
/// <see cref="WebhookDispatchQueue"/>, sends each user's events one after another (or the rule's batches one per
/// interval), retries an attempt that failed with backoff for up to <see cref="WebhookOptions.RetryFor"/>, then deletes
/// what was delivered and moves what still failed to the failed storage. A slow receiver only slows its own rule: each
/// rule has its own worker, and user grains never wait for any of them.
/// </summary>
internal sealed partial class WebhookRuleWorker
{
    private readonly ConfiguredWebhookRule _rule;
    private readonly IWebhookOutbox _outbox;
    private readonly WebhookHttpSender _http;
    private readonly WebhookOptions _options;
    private readonly TimeProvider _clock;
    private readonly string _owner;
    private readonly string _host;
    private readonly ILogger _logger;
    private readonly RetryBackoff _backoff;
    private readonly WebhookDispatchQueue _queue;
    private readonly List<Task<WebhookOutcome>> _inFlight = [];
    private readonly List<long> _toDelete = [];
    private readonly List<(List<long> Sequences, string Reason)> _toFail = [];
    /// <summary>UTC ticks before which a batched rule sends no POST (written by a delivery, read by the loop).</summary>
    private long _batchNotBeforeTicks;
    private CancellationTokenSource? _term;
    private DateTimeOffset? _resumedAt;
    private bool _appliedOnce;

    public WebhookRuleWorker(
        ConfiguredWebhookRule rule, IWebhookOutbox outbox, WebhookHttpSender http, WebhookOptions options, TimeProvider clock, string owner, string host, ILogger logger)
    {
        _rule = rule;
        _outbox = outbox;
        _http = http;
        _options = options;
        _clock = clock;
        _owner = owner;
        _host = host;
        _logger = logger;
        _backoff = new RetryBackoff(options.InitialBackoff, options.MaxBackoff, Random.Shared);
        _queue = new WebhookDispatchQueue(rule.Format);
        Suspension = new SuspensionWindow(options.FailureThreshold, options.FailureWindow, options.SuspendFor, clock);
    }

    public ConfiguredWebhookRule Rule => _rule;

    public SuspensionWindow Suspension { get; }

    /// <summary>Set from the shared rule state: an operator paused the rule.</summary>
    public bool Paused { get; private set; }

    public bool HoldsLease { get; private set; }

    public DateTimeOffset? LastSuccess { get; private set; }

    public DateTimeOffset? LastFailure { get; private set; }

    /// <summary>The health as this worker sees it.</summary>
    public WebhookRuleStatus Status => new()
    {
        Rule = _rule.Id,
        Paused = Paused,
        LastSuccess = LastSuccess,
        LastFailure = LastFailure,
        FailuresInWindow = Suspension.FailuresInWindow,
        SuspendedUntil = Suspension.SuspendedUntil,
        Sender = HoldsLease ? _owner : null,
    };

    /// <summary>An operator's pause or resume on this silo: at once here (other silos see it at their next poll).</summary>
    public void SetPaused(bool paused) => Paused = paused;

    /// <summary>Applies the shared state of the rule (an operator's pause or resume).</summary>
    public void Apply(WebhookRuleStatus? shared)
    {
        Paused = shared?.Paused ?? false;
        // A resume newer than the one this worker found at its start lifts the suspension.
        var resumed = shared?.ResumedAt;
        if (_appliedOnce && resumed is not null && resumed != _resumedAt)
            Suspension.Reset();
        _resumedAt = resumed;
        _appliedOnce = true;
    }

    public async Task RunAsync(CancellationToken stopping)
    {
        var renewAt = DateTimeOffset.MinValue;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var now = _clock.GetUtcNow();
                if (now >= renewAt)
                {
                    await RenewAsync(stopping);
                    renewAt = now + (_options.LeaseDuration / 3);
                }
                await SettleAsync(stopping);
                if (HoldsLease && !Paused && Suspension.SuspendedUntil is null)
                {
                    await FillAsync(stopping);
                    Dispatch();
                }
                await WaitAsync(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                // The database is out of reach (or a bug): nothing is lost, the outbox keeps every event. Try again soon.
                LogWorkerFailed(exception, _rule.Id);
                await Task.Delay(_options.PollInterval, _clock, stopping).ContinueWith(static _ => { }, TaskScheduler.Default);
            }
        }
        await EndTermAsync();
    }

    private async Task RenewAsync(CancellationToken stopping)
    {
        var held = await _outbox.TryLeaseAsync(_rule.Id, _owner, _options.LeaseDuration, stopping);
        if (held && !HoldsLease)
        {
            _term = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            LogLeaseTaken(_rule.Id, _owner);
        }
        else if (!held && HoldsLease)
        {
            LogLeaseLost(_rule.Id, _owner);
            await EndTermAsync();
        }
        HoldsLease = held;
        if (!held)
            return;
        var moved = await _outbox.TrimAsync(_rule.Id, _options.QueueLimit, stopping);
        if (moved > 0)
        {
            WebhookMetrics.GaveUp(_rule.Id, moved);
            LogQueueFull(_rule.Id, moved, _options.QueueLimit);
        }
        WebhookMetrics.SuspendedRule(_rule.Id, Suspension.SuspendedUntil is not null);
        await _outbox.ReportAsync(Status, stopping);
    }

    /// <summary>Another silo sends now (or this one stops): what is in flight is abandoned, the outbox still has it.</summary>
    private async Task EndTermAsync()
    {
        if (_term is { } term)
        {
            await term.CancelAsync();
            try
            {
                await Task.WhenAll(_inFlight);
            }
            catch (OperationCanceledException)
            {
            }
            term.Dispose();
            _term = null;
        }
        _inFlight.Clear();
        _queue.Clear();
        _toDelete.Clear();
        _toFail.Clear();
    }

    /// <summary>Records what finished: deletes what was delivered, moves what was given up, and lets the lanes go on.</summary>
    private async Task SettleAsync(CancellationToken stopping)
    {
        for (var i = _inFlight.Count - 1; i >= 0; i--)
        {
            var task = _inFlight[i];
            if (!task.IsCompleted)
                continue;
            _inFlight.RemoveAt(i);
            if (task.IsCanceled || task.IsFaulted)
                continue; // abandoned with the lease; the queue is cleared with it
            var outcome = task.Result;
            _queue.Complete(outcome.Entries);
            var sequences = outcome.Entries.Select(static e => e.Sequence).ToList();
            if (outcome.Delivered)
            {
                _toDelete.AddRange(sequences);
            }
            else
            {
                _toFail.Add((sequences, outcome.Failure ?? "failed"));
                WebhookMetrics.GaveUp(_rule.Id, sequences.Count);
                LogGaveUp(_rule.Id, sequences.Count, outcome.Failure ?? "failed");
            }
        }
        _toDelete.AddRange(_queue.TakeDropped());
        if (_toDelete.Count > 0)
        {
            await _outbox.DeleteAsync(_toDelete, stopping);
            _queue.Forget(_toDelete);
            _toDelete.Clear();
        }
        while (_toFail.Count > 0)
        {
            var (sequences, reason) = _toFail[0];
            await _outbox.MoveToFailedAsync(sequences, reason, stopping);
            _queue.Forget(sequences);
            _toFail.RemoveAt(0);
        }
    }

    private async Task FillAsync(CancellationToken stopping)
    {
        var capacity = _rule.Batch ? 2 * _options.BatchSize : Math.Max(4 * _options.MaxConcurrency, 1000);
        var room = capacity - _queue.Count;
        if (room <= capacity / 4)
            return;
        var entries = await _outbox.ReadAsync(_rule.Id, _queue.Held, room, stopping);
        _queue.Add(entries);
    }

    private void Dispatch()
    {
        var term = _term!.Token;
        if (_rule.Batch)
        {
            if (_inFlight.Count > 0 || _clock.GetUtcNow().UtcTicks < Volatile.Read(ref _batchNotBeforeTicks))
                return;
            var batch = _queue.TakeBatch(_options.BatchSize);
            if (batch.Count > 0)
                _inFlight.Add(DeliverAsync(batch, term));
            return;
        }
        foreach (var entry in _queue.TakeReady(_options.MaxConcurrency - _inFlight.Count))
            _inFlight.Add(DeliverAsync([entry], term));
    }

    private async Task WaitAsync(CancellationToken stopping)
    {
        var wait = _options.PollInterval;
        if (_rule.Batch && _queue.Count > 0 && _inFlight.Count == 0 && HoldsLease)
        {
            var untilBatch = TimeSpan.FromTicks(Volatile.Read(ref _batchNotBeforeTicks) - _clock.GetUtcNow().UtcTicks);
            wait = untilBatch < wait ? (untilBatch > TimeSpan.Zero ? untilBatch : TimeSpan.Zero) : wait;
        }
        if (wait <= TimeSpan.Zero)
            return;
        var signal = _outbox.WaitForEventsAsync(wait, stopping);
        if (_inFlight.Count == 0)
        {
            await signal;
            return;
        }
        await Task.WhenAny([signal, .. _inFlight]);
    }

    /// <summary>Sends taken events until delivered, refused or out of retry time; waits while the rule is paused or suspended.</summary>
    private async Task<WebhookOutcome> DeliverAsync(List<WebhookOutboxEntry> entries, CancellationToken term)
    {
        await Task.Yield(); // off the worker's loop
        var events = entries.Select(static e => e.Event).ToList();
        var request = WebhookRequest.For(_rule, events, BatchId(events), _host);
        var started = _clock.GetUtcNow();
        for (var attempt = 1; ; attempt++)
        {
            if (!await HoldWhilePausedAsync(started, term))
                return new WebhookOutcome(entries, false, "rule suspended past its retry time");
            var result = await _http.SendAsync(_rule, request, term);
            var now = _clock.GetUtcNow();
            if (_rule.Batch) // counted from the answer: however slow a POST, the receiver never gets two within the interval
                Volatile.Write(ref _batchNotBeforeTicks, (now + _options.BatchInterval).UtcTicks);
            if (result.Delivered)
            {
                LastSuccess = now;
                foreach (var e in events)
                    WebhookMetrics.Delivered(_rule.Id, 1, Math.Max(0, (now.ToUnixTimeMilliseconds() - e.OccurredAtMs) / 1000.0));
                return new WebhookOutcome(entries, true, null);
            }
            LastFailure = now;
            if (Suspension.Failed())
            {
                WebhookMetrics.SuspendedRule(_rule.Id, true);
                LogSuspended(_rule.Id, Suspension.Threshold, Suspension.Window, Suspension.SuspendFor);
            }
            if (result.Refused || now - started >= _options.RetryFor)
                return new WebhookOutcome(entries, false, result.Failure);
            WebhookMetrics.Retrying(_rule.Id);
            LogAttemptFailed(_rule.Id, request.Id, attempt, result.Failure ?? "");
            var delay = _backoff.Delay(attempt);
            if (_rule.Batch && delay < _options.BatchInterval)
                delay = _options.BatchInterval;
            await Task.Delay(delay, _clock, term);
        }
    }

    /// <summary>
    /// Waits while an operator paused the rule (as long as it takes) or it is suspended (false once the callback's
    /// retry time has run out meanwhile: it goes to the failed storage).
    /// </summary>
    private async Task<bool> HoldWhilePausedAsync(DateTimeOffset started, CancellationToken term)
    {
        while (Paused || Suspension.SuspendedUntil is not null)
        {
            if (!Paused && _clock.GetUtcNow() - started >= _options.RetryFor)
                return false;
            var wait = Suspension.SuspendedUntil is { } until ? until - _clock.GetUtcNow() : _options.PollInterval;
            await Task.Delay(wait > _options.PollInterval ? _options.PollInterval : wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(1), _clock, term);
        }
        WebhookMetrics.SuspendedRule(_rule.Id, false);
        return true;
    }

    /// <summary>A batch's <c>webhook-id</c>: derived from its events, so the same batch sent again (by another silo too) has the same id.</summary>
    internal static string BatchId(IReadOnlyList<WebhookEvent> events)
    {
        var ids = new StringBuilder(events.Count * 37);
        foreach (var e in events)
            ids.Append(e.Id.ToString("N")).Append(',');
        var hash = SHA256.HashData(Encoding.ASCII.GetBytes(ids.ToString()));
        return "batch_" + Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook rule {Rule}: this silo ({Owner}) sends its callbacks now")]
    private partial void LogLeaseTaken(string rule, string owner);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook rule {Rule}: another silo took over from {Owner}")]
    private partial void LogLeaseLost(string rule, string owner);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Webhook rule {Rule}: attempt {Attempt} of {WebhookId} failed ({Failure}); retrying")]
    private partial void LogAttemptFailed(string rule, string webhookId, int attempt, string failure);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook rule {Rule}: {Count} callbacks still failed ({Failure}); stored as failed for a resend")]
    private partial void LogGaveUp(string rule, int count, string failure);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook rule {Rule}: {Threshold} failures within {Window}; suspended for {SuspendFor}")]
    private partial void LogSuspended(string rule, int threshold, TimeSpan window, TimeSpan suspendFor);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook rule {Rule}: {Count} callbacks did not fit its queue of {Limit}; stored as failed")]
    private partial void LogQueueFull(string rule, int count, int limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook rule {Rule}: the sender's loop failed; trying again")]
    private partial void LogWorkerFailed(Exception exception, string rule);
}
