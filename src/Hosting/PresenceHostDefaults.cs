using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Presence.Hosting;

/// <summary>
/// What every process of the service does the same way, silo or gateway: OpenTelemetry, the live and ready checks, a
/// host whose HTTP answers while Orleans is still starting, and the operator credential. Each host adds its own ready
/// checks (membership and storage for a silo, the cluster connection for a gateway).
/// </summary>
public static class PresenceHostDefaults
{
    public static IHostApplicationBuilder AddPresenceHostDefaults(this IHostApplicationBuilder builder)
    {
        builder.AddPresenceTelemetry();
        // Kestrel starts beside Orleans rather than after it: a process waiting for its database or cluster is live, not ready.
        builder.Services.Configure<HostOptions>(static o => o.ServicesStartConcurrently = true);
        builder.Services.AddHealthChecks()
            .AddCheck("self", static () => HealthCheckResult.Healthy(), [HealthTags.Live])
            .AddCheck<HostReadinessHealthCheck>("host", tags: [HealthTags.Ready]);
        builder.Services.AddPresenceOperatorCredential();
        return builder;
    }

    /// <summary>
    /// The operator credential (<c>Presence:Admin</c>, validated at start, the development default in Development) of
    /// the admin routes and a silo's dashboard.
    /// </summary>
    public static IServiceCollection AddPresenceOperatorCredential(this IServiceCollection services)
    {
        services.AddOptions<PresenceAdminOptions>().BindConfiguration(PresenceAdminOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<PresenceAdminOptions>, DevelopmentAdminDefaults>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PresenceAdminOptions>, PresenceAdminOptionsValidator>());
        services.TryAddSingleton<AdminCredentials>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, AdminStartupLogger>());
        return services;
    }

    /// <summary><c>/health/live</c>, <c>/health/ready</c> and <c>/metrics</c>.</summary>
    public static IEndpointRouteBuilder MapPresenceHostEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthApi();
        endpoints.MapPresenceMetrics();
        return endpoints;
    }
}
