namespace Presence.Api;

/// <summary>
/// A rule's circuit breaker: <see cref="Threshold"/> failed attempts within <see cref="Window"/> suspend it for
/// <see cref="SuspendFor"/> (90 in 30 s → 5 minutes by default); a success does not forgive earlier failures, the window
/// does. Its clock is injected, so the rule is tested without waiting.
/// </summary>
internal sealed class SuspensionWindow(int threshold, TimeSpan window, TimeSpan suspendFor, TimeProvider clock)
{
    private readonly Queue<DateTimeOffset> _failures = new();
    private readonly Lock _lock = new();

    public int Threshold => threshold;

    public TimeSpan Window => window;

    public TimeSpan SuspendFor => suspendFor;

    /// <summary>Until when the rule is suspended; null when it is not (or no longer).</summary>
    public DateTimeOffset? SuspendedUntil
    {
        get
        {
            lock (_lock)
                return field is { } until && until > clock.GetUtcNow() ? until : null;
        }
        private set;
    }

    /// <summary>Failed attempts within the window, as of now.</summary>
    public int FailuresInWindow
    {
        get
        {
            lock (_lock)
            {
                Expire(clock.GetUtcNow());
                return _failures.Count;
            }
        }
    }

    /// <summary>Records a failed attempt; true when it suspended the rule.</summary>
    public bool Failed()
    {
        lock (_lock)
        {
            var now = clock.GetUtcNow();
            Expire(now);
            _failures.Enqueue(now);
            if (_failures.Count < threshold)
                return false;
            _failures.Clear();
            SuspendedUntil = now + suspendFor;
            return true;
        }
    }

    /// <summary>An operator resumed the rule: suspension and counted failures are forgotten.</summary>
    public void Reset()
    {
        lock (_lock)
        {
            _failures.Clear();
            SuspendedUntil = null;
        }
    }

    private void Expire(DateTimeOffset now)
    {
        while (_failures.TryPeek(out var oldest) && oldest <= now - window)
            _failures.Dequeue();
    }
}
