using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Presence.Orleans.Runtime;

namespace Presence.Orleans.Gateway;

/// <summary>
/// Ready once the host has started and, in a silo, once the grain runtime is active; not ready again
/// as soon as shutdown begins, so load balancers drain this node first.
/// </summary>
internal sealed class SiloReadinessHealthCheck(IHostApplicationLifetime lifetime, IServiceProvider services) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!lifetime.ApplicationStarted.IsCancellationRequested)
            return Task.FromResult(HealthCheckResult.Unhealthy("The host is starting."));
        if (lifetime.ApplicationStopping.IsCancellationRequested)
            return Task.FromResult(HealthCheckResult.Unhealthy("The host is stopping."));
        if (services.GetService(typeof(SiloStatus)) is SiloStatus { IsActive: false })
            return Task.FromResult(HealthCheckResult.Unhealthy("The grain runtime is not active."));
        return Task.FromResult(HealthCheckResult.Healthy());
    }
}
