using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace Presence.Gateway;

public static class ClientHostingExtensions
{
    /// <summary>
    /// How often a gateway re-reads the silos from the membership table. Orleans' default is a minute: a gateway started
    /// beside its silos (a deployment, a cluster restart) then sends everything through the silos it saw first, silos
    /// that join later get none of its traffic for up to a minute, and if the one silo it knows dies, the gateway is
    /// cut off from the whole cluster.
    /// </summary>
    public static readonly TimeSpan GatewayListRefreshPeriod = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a gateway waits for the answer to a grain call before the call fails (a 503). Orleans' default is 30 s,
    /// and a call in flight to a silo that dies (<c>kill -9</c>, a lost machine) never gets an answer: Orleans breaks such
    /// calls when membership declares the silo dead only inside silos, not at clients, so a gateway's request waited the
    /// whole 30 s. 10 s leaves a healthy call plenty (a storage command times out after 5 s) and answers within a
    /// client's patience.
    /// </summary>
    public static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(10);

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
                    client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = GatewayListRefreshPeriod);
                    break;
                default:
                    throw new InvalidOperationException($"Unknown {PresenceClusterOptions.SectionName}:Provider '{cluster.Provider}'. Use Localhost or Postgres.");
            }
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = ResponseTimeout);
            // With tracing on, trace context rides every grain call, so a request's trace continues into the silos.
            if (TelemetryHostingExtensions.IsTracingEnabled(builder.Configuration))
                client.AddActivityPropagation();
            client.Services.AddSingleton<ClusterConnectionStatus>();
            client.Services.AddSingleton<IClusterConnectionStatusObserver>(sp => sp.GetRequiredService<ClusterConnectionStatus>());
            client.Services.AddSingleton<IClientConnectionRetryFilter, RetryForeverConnectionFilter>();
        });
        builder.Services.AddHealthChecks().AddCheck<ClusterConnectionHealthCheck>("cluster", tags: [HealthTags.Ready]);
        builder.Services.AddHostedService<SiloMembershipWatcher>();
        return builder;
    }
}
