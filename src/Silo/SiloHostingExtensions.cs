using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Providers;
using Orleans.Storage;
using Presence.Orleans.Grains;

namespace Presence.Orleans.Silo;

internal static class SiloHostingExtensions
{
    private const string NpgsqlInvariant = "Npgsql";
    private const string StockStorageName = "postgres";

    /// <summary>
    /// Makes this host an Orleans silo running the presence grains, with the storage of <c>Presence:Storage:Provider</c>
    /// (<c>Memory</c>, the default, or <c>Postgres</c>) and the clustering of <c>Presence:Cluster:Provider</c>
    /// (<c>Localhost</c>, the default, or <c>Postgres</c>). Postgres needs <c>ConnectionStrings:Presence</c>; the
    /// silo then applies the schema itself before Orleans starts.
    /// </summary>
    public static IHostApplicationBuilder AddPresenceSilo(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var storage = configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        var cluster = configuration.GetSection(PresenceClusterOptions.SectionName).Get<PresenceClusterOptions>() ?? new PresenceClusterOptions();
        var usesPostgres = storage.Provider == StorageProvider.Postgres || cluster.Provider == ClusterProvider.Postgres;

        builder.Services.AddPresenceGrains();
        if (usesPostgres)
        {
            var connectionString = configuration.GetConnectionString(StorageOptions.ConnectionStringName);
            if (string.IsNullOrWhiteSpace(connectionString))
                throw new InvalidOperationException(
                    $"PostgreSQL is selected ({StorageOptions.SectionName}:Provider or {PresenceClusterOptions.SectionName}:Provider) but ConnectionStrings:{StorageOptions.ConnectionStringName} is not set (env ConnectionStrings__{StorageOptions.ConnectionStringName}).");
            builder.Services.AddPostgresDatabase(connectionString);
            // Registered before Orleans, so it runs first: the providers read their queries from the schema.
            builder.Services.AddHostedService<PostgresSchemaInitializer>();
        }
        switch (storage.Provider)
        {
            case StorageProvider.Memory:
                builder.Services.AddInMemorySubscriptions();
                break;
            case StorageProvider.Postgres:
                builder.Services.AddPostgresSubscriptions();
                break;
            default:
                throw new InvalidOperationException($"Unknown {StorageOptions.SectionName}:Provider '{storage.Provider}'. Use Memory or Postgres.");
        }

        builder.UseOrleans(silo =>
        {
            ConfigureClustering(silo, cluster);
            if (storage.Provider == StorageProvider.Postgres)
                UsePostgresStorage(silo);
            else
                silo.AddMemoryGrainStorageAsDefault().UseInMemoryReminderService();
        });
        builder.Services.AddHealthChecks()
            .AddCheck<SiloReadinessHealthCheck>("membership", tags: [Gateway.HealthTags.Ready])
            .AddCheck<StorageReadinessHealthCheck>("storage", tags: [Gateway.HealthTags.Ready]);
        return builder;
    }

    private static void ConfigureClustering(ISiloBuilder silo, PresenceClusterOptions cluster)
    {
        switch (cluster.Provider)
        {
            case ClusterProvider.Localhost:
                silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
                break;
            case ClusterProvider.Postgres:
                silo.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = cluster.ClusterId;
                    o.ServiceId = cluster.ServiceId;
                });
                silo.ConfigureEndpoints(cluster.ResolveAdvertisedAddress(), cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: true);
                silo.UseAdoNetClustering(o => o.Configure<PostgresDatabase>((options, database) =>
                {
                    options.Invariant = NpgsqlInvariant;
                    options.DataSource = database.DataSource;
                }));
                break;
            default:
                throw new InvalidOperationException($"Unknown {PresenceClusterOptions.SectionName}:Provider '{cluster.Provider}'. Use Localhost or Postgres.");
        }
    }

    /// <summary>
    /// Orleans' stock ADO.NET grain storage (System.Text.Json) and reminders on our pooled data source. The storage is
    /// registered as the default provider through <see cref="OutageAwareGrainStorage"/>, which only translates outages.
    /// </summary>
    private static void UsePostgresStorage(ISiloBuilder silo)
    {
        silo.UseSystemTextJsonGrainStorageSerializer();
        silo.AddAdoNetGrainStorage(StockStorageName, o => o.Configure<PostgresDatabase>((options, database) =>
        {
            options.Invariant = NpgsqlInvariant;
            options.DataSource = database.DataSource;
        }));
        silo.Services.AddGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME,
            static (sp, _) => new OutageAwareGrainStorage(sp.GetRequiredKeyedService<IGrainStorage>(StockStorageName)));
        silo.UseAdoNetReminderService(o => o.Configure<PostgresDatabase>((options, database) =>
        {
            options.Invariant = NpgsqlInvariant;
            options.DataSource = database.DataSource;
        }));
    }
}
