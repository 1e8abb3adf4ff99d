using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Presence.Grains;

namespace Presence.Silo;

/// <summary>Ready only while the silo's storage answers a ping.</summary>
internal sealed class StorageReadinessHealthCheck(IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.GetService<IStorageHealth>() is not { } storage)
            return HealthCheckResult.Healthy("No storage in this process.");
        try
        {
            await storage.PingAsync(cancellationToken);
            return HealthCheckResult.Healthy(storage.Backend);
        }
        catch (StorageUnavailableException exception)
        {
            return HealthCheckResult.Unhealthy($"{storage.Backend} is unavailable.", exception);
        }
    }
}
