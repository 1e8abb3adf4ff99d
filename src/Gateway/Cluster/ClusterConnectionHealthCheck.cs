using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Presence.Gateway;

/// <summary>A gateway process is ready only while its Orleans client is connected to the cluster.</summary>
internal sealed class ClusterConnectionHealthCheck(ClusterConnectionStatus status) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(status.IsConnected
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("Not connected to any silo."));
}
