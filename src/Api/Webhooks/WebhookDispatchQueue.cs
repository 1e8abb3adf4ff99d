using Presence.Webhooks;

namespace Presence.Api;

/// <summary>
/// The callbacks of one rule that its sender holds, in one lane per user: a lane's events leave in commit order, one at
/// a time (<see cref="TakeReady"/>) or in batches that keep that order (<see cref="TakeBatch"/>), and the next event of a
/// user waits until the previous one is delivered or given up. For Tencent rules, a <c>Disconnect</c> not yet sent is
/// dropped when the same device logs in again (it reconnected before its disconnect was emitted).
/// </summary>
internal sealed class WebhookDispatchQueue(WebhookFormat format)
{
    private readonly Dictionary<string, LinkedList<WebhookOutboxEntry>> _lanes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _busy = new(StringComparer.Ordinal);
    private readonly HashSet<long> _held = [];
    private readonly List<long> _dropped = [];

    /// <summary>Sequences held (queued, in flight or done but not yet deleted): the outbox read leaves them out.</summary>
    public IReadOnlyCollection<long> Held => _held;

    /// <summary>Events queued or in flight.</summary>
    public int Count { get; private set; }

    /// <summary>Adds events read from the outbox (in commit order); ones already held are ignored.</summary>
    public void Add(IEnumerable<WebhookOutboxEntry> entries)
    {
        foreach (var entry in entries)
        {
            if (!_held.Add(entry.Sequence))
                continue;
            var user = entry.Event.UserKey;
            if (!_lanes.TryGetValue(user, out var lane))
                _lanes[user] = lane = new LinkedList<WebhookOutboxEntry>();
            if (format == WebhookFormat.Tencent && entry.Event.Kind == WebhookEventKind.Login)
                SuppressDisconnect(lane, entry.Event.Resource, user);
            lane.AddLast(entry);
            Count++;
        }
    }

    /// <summary>
    /// The first event of each idle lane, up to <paramref name="max"/>, oldest first; their lanes are busy until
    /// <see cref="Complete"/>.
    /// </summary>
    public List<WebhookOutboxEntry> TakeReady(int max)
    {
        var ready = new List<WebhookOutboxEntry>();
        foreach (var (user, lane) in _lanes)
        {
            if (_busy.Contains(user) || lane.First is not { } first)
                continue;
            ready.Add(first.Value);
        }
        ready.Sort(static (a, b) => a.Sequence.CompareTo(b.Sequence));
        if (ready.Count > max)
            ready.RemoveRange(max, ready.Count - max);
        foreach (var entry in ready)
            _busy.Add(entry.Event.UserKey);
        return ready;
    }

    /// <summary>
    /// Up to <paramref name="max"/> events in commit order across idle lanes (a user's events in their order; a busy
    /// lane's are left for the next batch). Their lanes are busy until <see cref="Complete"/>.
    /// </summary>
    public List<WebhookOutboxEntry> TakeBatch(int max)
    {
        var batch = new List<WebhookOutboxEntry>();
        foreach (var (user, lane) in _lanes)
        {
            if (_busy.Contains(user))
                continue;
            batch.AddRange(lane);
        }
        batch.Sort(static (a, b) => a.Sequence.CompareTo(b.Sequence));
        if (batch.Count > max)
            batch.RemoveRange(max, batch.Count - max);
        foreach (var entry in batch)
            _busy.Add(entry.Event.UserKey);
        return batch;
    }

    /// <summary>Taken events are done (delivered, or given up): their lanes go on with their next events.</summary>
    public void Complete(IEnumerable<WebhookOutboxEntry> entries)
    {
        foreach (var entry in entries)
        {
            var user = entry.Event.UserKey;
            _busy.Remove(user);
            if (_lanes.TryGetValue(user, out var lane) && lane.Remove(entry))
            {
                Count--;
                if (lane.Count == 0)
                    _lanes.Remove(user);
            }
        }
    }

    /// <summary>Events dropped by the Tencent rule since the last call, to delete from the outbox.</summary>
    public List<long> TakeDropped()
    {
        var dropped = _dropped.ToList();
        _dropped.Clear();
        return dropped;
    }

    /// <summary>Sequences deleted from (or moved out of) the outbox: no longer held.</summary>
    public void Forget(IEnumerable<long> sequences)
    {
        foreach (var sequence in sequences)
            _held.Remove(sequence);
    }

    /// <summary>Forgets everything (the lease was lost: another silo sends now).</summary>
    public void Clear()
    {
        _lanes.Clear();
        _busy.Clear();
        _held.Clear();
        _dropped.Clear();
        Count = 0;
    }

    private void SuppressDisconnect(LinkedList<WebhookOutboxEntry> lane, string resource, string user)
    {
        // Only a Disconnect waiting behind the lane's head, or the head of an idle lane: one in flight has been emitted.
        for (var node = lane.Last; node is not null; node = node.Previous)
        {
            var e = node.Value.Event;
            if (e.Resource != resource)
                continue;
            if (e.Kind == WebhookEventKind.Lost && (node != lane.First || !_busy.Contains(user)))
            {
                lane.Remove(node);
                _dropped.Add(node.Value.Sequence);
                Count--;
            }
            return; // the resource's latest event decides
        }
    }
}
