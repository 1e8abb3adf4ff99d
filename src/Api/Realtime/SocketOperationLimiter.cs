namespace Presence.Api;

/// <summary>
/// A fixed window of permits for one connection's query, subscribe and unsubscribe operations (Tencent: 20 per
/// 5 s). Used by one connection's request loop only, so it needs no locking; time comes from the injected clock.
/// </summary>
internal sealed class SocketOperationLimiter(int permitLimit, TimeSpan window, TimeProvider clock)
{
    private long _windowStart = clock.GetTimestamp();
    private int _used;

    public bool TryAcquire(out TimeSpan retryAfter)
    {
        var elapsed = clock.GetElapsedTime(_windowStart);
        if (elapsed >= window)
        {
            _windowStart = clock.GetTimestamp();
            _used = 0;
            elapsed = TimeSpan.Zero;
        }
        if (_used < permitLimit)
        {
            _used++;
            retryAfter = TimeSpan.Zero;
            return true;
        }
        retryAfter = window - elapsed;
        return false;
    }
}
