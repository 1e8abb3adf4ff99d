using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace Presence.Orleans.Gateway;

public static class ClientHostingExtensions
{
    /// <summary>
    /// Makes this host an Orleans client of the presence cluster (a stateless gateway: no grains). It finds the
    /// silos by <c>Presence:Cluster:Provider</c>: <c>Localhost</c> (the local silo's gateway port) or <c>Postgres</c>
    /// (the membership table in <c>ConnectionStrings:Presence</c>). Ready only while connected to a silo.
    /// </summary>
    public static IHostApplicationBuilder AddPresenceClient(this IHostApplicationBuilder builder)
    {
        var cluster = builder.Configuration.GetSection(PresenceClusterOptions.SectionName).Get<PresenceClusterOptions>() ?? new PresenceClusterOptions();
        builder.UseOrleansClient(client =>
        {
            switch (cluster.Provider)
            {
                case ClusterProvider.Localhost:
                    client.UseLocalhostClustering(cluster.GatewayPort, cluster.ServiceId, cluster.ClusterId);
                    break;
                case ClusterProvider.Postgres:
                    var connectionString = builder.Configuration.GetConnectionString(PresenceClusterOptions.ConnectionStringName);
                    if (string.IsNullOrWhiteSpace(connectionString))
                        throw new InvalidOperationException(
                            $"{PresenceClusterOptions.SectionName}:Provider is Postgres but ConnectionStrings:{PresenceClusterOptions.ConnectionStringName} is not set (env ConnectionStrings__{PresenceClusterOptions.ConnectionStringName}).");
                    client.Configure<ClusterOptions>(o =>
                    {
                        o.ClusterId = cluster.ClusterId;
                        o.ServiceId = cluster.ServiceId;
                    });
                    client.UseAdoNetClustering(o =>
                    {
                        o.Invariant = PresenceClusterOptions.NpgsqlInvariant;
                        o.ConnectionString = connectionString;
                    });
                    break;
                default:
                    throw new InvalidOperationException($"Unknown {PresenceClusterOptions.SectionName}:Provider '{cluster.Provider}'. Use Localhost or Postgres.");
            }
            client.Services.AddSingleton<ClusterConnectionStatus>();
            client.Services.AddSingleton<IClusterConnectionStatusObserver>(sp => sp.GetRequiredService<ClusterConnectionStatus>());
            client.Services.AddSingleton<IClientConnectionRetryFilter, RetryForeverConnectionFilter>();
        });
        // Kestrel starts beside the client rather than after it: a gateway waiting for the cluster is live, not ready.
        builder.Services.Configure<HostOptions>(o => o.ServicesStartConcurrently = true);
        builder.Services.AddHealthChecks().AddCheck<ClusterConnectionHealthCheck>("cluster", tags: [HealthTags.Ready]);
        return builder;
    }
}
