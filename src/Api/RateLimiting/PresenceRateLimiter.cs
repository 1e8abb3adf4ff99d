using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Presence.Api;

/// <summary>
/// Fixed-window limiters partitioned by app and route (System.Threading.RateLimiting). A partition is
/// created on first use; there are at most (configured apps × routes) of them.
/// </summary>
internal sealed class PresenceRateLimiter : IDisposable
{
    private readonly PresenceRateLimitOptions _options;
    private readonly PartitionedRateLimiter<RateLimitKey> _limiter;

    public PresenceRateLimiter(IOptions<PresenceRateLimitOptions> options)
    {
        _options = options.Value;
        _limiter = PartitionedRateLimiter.Create<RateLimitKey, RateLimitKey>(key =>
        {
            var route = _options.Routes.GetValueOrDefault(key.Route);
            return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = route?.PermitLimit ?? _options.PermitLimit,
                Window = route?.Window ?? _options.Window,
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        });
    }

    /// <summary>Takes one permit; when none is left, says how long until the window opens again.</summary>
    public bool TryAcquire(RateLimitKey key, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (!_options.Enabled)
            return true;
        using var lease = _limiter.AttemptAcquire(key);
        if (lease.IsAcquired)
            return true;
        var route = _options.Routes.GetValueOrDefault(key.Route);
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : route?.Window ?? _options.Window;
        return false;
    }

    public void Dispose() => _limiter.Dispose();
}
