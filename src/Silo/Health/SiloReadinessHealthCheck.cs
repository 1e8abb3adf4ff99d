using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;

namespace Presence.Silo;

/// <summary>Ready only while this silo is <c>Active</c> in cluster membership (not joining, not shutting down, not declared dead).</summary>
internal sealed class SiloReadinessHealthCheck(ISiloStatusOracle membership) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(membership.CurrentStatus == SiloStatus.Active
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"The silo is {membership.CurrentStatus} in membership."));
}
