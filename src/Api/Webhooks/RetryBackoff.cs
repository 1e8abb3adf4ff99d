namespace Presence.Api;

/// <summary>
/// Exponential backoff with full jitter: the delay before retry <c>n</c> (1-based) is drawn from half to all of
/// <c>min(max, initial × 2^(n-1))</c>, so many rules failing together do not retry in step.
/// </summary>
internal sealed class RetryBackoff(TimeSpan initial, TimeSpan max, Random random)
{
    public TimeSpan Delay(int retry)
    {
        var exponent = Math.Min(Math.Max(retry - 1, 0), 30);
        var ceiling = Math.Min(max.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, exponent));
        return TimeSpan.FromMilliseconds(ceiling * (0.5 + (random.NextDouble() / 2)));
    }

    /// <summary>The largest delay retry <paramref name="retry"/> can draw.</summary>
    public TimeSpan Ceiling(int retry) =>
        TimeSpan.FromMilliseconds(Math.Min(max.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, Math.Min(Math.Max(retry - 1, 0), 30))));
}
