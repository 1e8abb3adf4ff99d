namespace Presence.Grains;

/// <summary>
/// Slows password guessing for one user: after <see cref="MaxFailures"/> failures within <see cref="Window"/>, attempts
/// are refused unchecked for a delay that doubles with each lockout (from <see cref="FirstDelay"/> up to
/// <see cref="MaxDelay"/>). A success, or an hour without failures, starts over. In memory: a lost activation forgets
/// it, which costs an attacker a silo's death per five guesses.
/// </summary>
internal sealed class LoginThrottle
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan Forgiveness = TimeSpan.FromHours(1);

    private readonly Queue<DateTimeOffset> _failures = new();
    private int _lockouts;
    private DateTimeOffset _blockedUntil;
    private DateTimeOffset _lastFailure;

    /// <summary>Whether an attempt at <paramref name="now"/> must be refused unchecked, and for how long still.</summary>
    public bool IsBlocked(DateTimeOffset now, out TimeSpan retryAfter)
    {
        retryAfter = _blockedUntil - now;
        return retryAfter > TimeSpan.Zero;
    }

    public void Failed(DateTimeOffset now)
    {
        if (_lockouts > 0 && now - _lastFailure > Forgiveness)
            _lockouts = 0;
        _lastFailure = now;
        while (_failures.TryPeek(out var oldest) && now - oldest >= Window)
            _failures.Dequeue();
        _failures.Enqueue(now);
        if (_failures.Count < MaxFailures)
            return;
        _failures.Clear();
        var delay = FirstDelay * Math.Pow(2, Math.Min(_lockouts, 16));
        _blockedUntil = now + (delay < MaxDelay ? delay : MaxDelay);
        _lockouts++;
    }

    public void Succeeded()
    {
        _failures.Clear();
        _lockouts = 0;
        _blockedUntil = default;
    }
}
