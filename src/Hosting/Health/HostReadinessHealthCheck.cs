using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Presence.Hosting;

/// <summary>
/// Ready once the host has started (for a silo: Orleans has joined the cluster) and not ready again as soon as
/// shutdown begins, so load balancers drain this node first. Hosts add their own ready checks (membership, storage).
/// </summary>
internal sealed class HostReadinessHealthCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!lifetime.ApplicationStarted.IsCancellationRequested)
            return Task.FromResult(HealthCheckResult.Unhealthy("The host is starting."));
        if (lifetime.ApplicationStopping.IsCancellationRequested)
            return Task.FromResult(HealthCheckResult.Unhealthy("The host is stopping."));
        return Task.FromResult(HealthCheckResult.Healthy());
    }
}
