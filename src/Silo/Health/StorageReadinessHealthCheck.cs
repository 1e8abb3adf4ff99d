using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Presence.Grains;

namespace Presence.Silo;

/// <summary>
/// Ready only while the silo's storage answers a ping. One ping answers every probe for <see cref="CacheFor"/> (the
/// kubelet's and a load balancer's probes share it), and a ping slower than <see cref="PingTimeout"/> counts as unready:
/// a call that meets an outage drops a cached "ready" at once; the probe itself always answers well within its own timeout (the manifests give it longer), so a slow database does
/// not time out every silo's probe at once.
/// </summary>
internal sealed class StorageReadinessHealthCheck(IServiceProvider services, TimeProvider clock) : IHealthCheck
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(2);

    public static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(3);

    private readonly Lock _lock = new();
    private Task<HealthCheckResult>? _last;
    private DateTimeOffset _lastStartedAt;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.GetService<IStorageHealth>() is not { } storage)
            return Task.FromResult(HealthCheckResult.Healthy("No storage in this process."));
        lock (_lock)
        {
            var now = clock.GetUtcNow();
            // A cached "ready" is dropped as soon as a call found the storage unavailable: readiness follows an outage at once.
            var stale = _last is { IsCompleted: true } done
                && (now - _lastStartedAt >= CacheFor || (storage.IsKnownUnavailable && done.Result.Status == HealthStatus.Healthy));
            if (_last is null || stale)
            {
                _lastStartedAt = now;
                _last = PingAsync(storage);
            }
            return _last.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Not tied to one probe's cancellation: the result serves the probes that come while it is fresh.</summary>
    private async Task<HealthCheckResult> PingAsync(IStorageHealth storage)
    {
        using var timeout = new CancellationTokenSource(PingTimeout, clock);
        try
        {
            await storage.PingAsync(timeout.Token);
            return HealthCheckResult.Healthy(storage.Backend);
        }
        catch (StorageUnavailableException exception)
        {
            return HealthCheckResult.Unhealthy($"{storage.Backend} is unavailable.", exception);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"{storage.Backend} did not answer a ping within {PingTimeout.TotalSeconds:0} s.");
        }
    }
}
