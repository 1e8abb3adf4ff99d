using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Providers;
using Orleans.Storage;

namespace Presence.Silo;

public static class SiloHostingExtensions
{
    private const string NpgsqlInvariant = PresenceClusterOptions.NpgsqlInvariant;
    private const string StockStorageName = "postgres";

    /// <summary>
    /// Makes this host an Orleans silo running the presence grains (see <see cref="AddPresence"/>), clustered by
    /// <c>Presence:Cluster:Provider</c>: <c>Localhost</c> (the default) or <c>Postgres</c>. Readiness follows membership and storage.
    /// </summary>
    public static IHostApplicationBuilder AddPresenceSilo(this IHostApplicationBuilder builder)
    {
        var cluster = builder.Configuration.GetSection(PresenceClusterOptions.SectionName).Get<PresenceClusterOptions>() ?? new PresenceClusterOptions();
        builder.UseOrleans(silo =>
        {
            silo.AddPresence(builder.Configuration);
            ConfigureClustering(silo, cluster);
            silo.AddPresenceDashboard(builder.Configuration, builder.Environment);
            // With tracing on, trace context rides every grain call (gateway → silo → silo): one request is one trace.
            if (TelemetryHostingExtensions.IsTracingEnabled(builder.Configuration))
                silo.AddActivityPropagation();
        });
        // One instance, so that its cached ping serves every probe.
        builder.Services.AddSingleton<StorageReadinessHealthCheck>();
        builder.Services.AddHealthChecks()
            .AddCheck<SiloReadinessHealthCheck>("membership", tags: [HealthTags.Ready])
            .AddCheck<StorageReadinessHealthCheck>("storage", tags: [HealthTags.Ready]);
        return builder;
    }

    /// <summary>
    /// The presence grains and their storage, whatever the clustering (tests' in-process clusters call this alone):
    /// <c>Presence:Storage:Provider</c> <c>Memory</c> (the default: grain states in this process, Orleans in-memory reminders, subscription
    /// rows in memory) or <c>Postgres</c> (grain storage as <c>Presence:Storage:GrainStorage</c> says, Orleans ADO.NET reminders, our
    /// subscription rows), which needs <c>ConnectionStrings:Presence</c>. With PostgreSQL (storage or clustering) the silo applies the schema itself.
    /// </summary>
    public static ISiloBuilder AddPresence(this ISiloBuilder silo, IConfiguration configuration)
    {
        var storage = StorageOptions.Bind(configuration);
        var cluster = configuration.GetSection(PresenceClusterOptions.SectionName).Get<PresenceClusterOptions>() ?? new PresenceClusterOptions();
        var services = silo.Services;
        services.AddPresenceGrains();
        services.AddPresenceWebhooks();
        services.TryAddSingleton<SiloLossSignal>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SiloLossListener>();
        if (storage.Provider == StorageProvider.Postgres || cluster.Provider == ClusterProvider.Postgres)
        {
            var connectionString = configuration.GetConnectionString(StorageOptions.ConnectionStringName);
            if (string.IsNullOrWhiteSpace(connectionString))
                throw new InvalidOperationException(
                    $"PostgreSQL is selected ({StorageOptions.SectionName}:Provider or {PresenceClusterOptions.SectionName}:Provider) but ConnectionStrings:{StorageOptions.ConnectionStringName} is not set (env ConnectionStrings__{StorageOptions.ConnectionStringName}).");
            services.AddPostgresDatabase(connectionString);
            services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, PostgresSchemaInitializer>();
        }
        switch (storage.Provider)
        {
            case StorageProvider.Memory:
                services.AddInMemorySubscriptions();
                services.AddInMemoryAccounts();
                services.AddInMemoryWebhookOutbox();
                services.TryAddSingleton<InMemoryGrainStore>();
                services.AddGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME,
                    static (sp, _) => ActivatorUtilities.CreateInstance<InMemoryGrainStorage>(sp));
                silo.UseInMemoryReminderService();
                break;
            case StorageProvider.Postgres:
                services.AddPostgresSubscriptions();
                services.AddPostgresAccounts();
                services.AddPostgresWebhookOutbox(static sp => sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId);
                UsePostgresStorage(silo, storage.GrainStorage);
                if (storage.GrainStorage == GrainStorageProvider.AdoNet && HasWebhookRules(configuration))
                    throw new NotSupportedException(
                        $"Webhooks need the grain storage that commits their outbox with the state: set {StorageOptions.SectionName}:GrainStorage to GroupCommit " +
                        "(the default), or remove Presence:Apps:N:Webhooks. Orleans' ADO.NET grain storage cannot write the outbox in the state's transaction.");
                break;
            default:
                throw new InvalidOperationException($"Unknown {StorageOptions.SectionName}:Provider '{storage.Provider}'. Use Memory or Postgres.");
        }
        return silo;
    }

    private static bool HasWebhookRules(IConfiguration configuration) =>
        configuration.GetSection("Presence:Apps").GetChildren().Any(static app => app.GetSection("Webhooks").GetChildren().Any());

    private static void ConfigureClustering(ISiloBuilder silo, PresenceClusterOptions cluster)
    {
        switch (cluster.Provider)
        {
            case ClusterProvider.Localhost:
                silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
                break;
            case ClusterProvider.Postgres:
                ConfigureMembershipTimings(silo);
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
    /// Membership timings for the failover we promise (a dead silo's users served again within 10 s). Orleans'
    /// defaults (5 s probes, 3 misses) take 15 s or more to suspect a silo; ours suspect it after two missed 2 s probes,
    /// and two votes (the two survivors of three) declare it dead. A silo that only stalls (a long GC pause, a busy
    /// machine) for over ~4 s may be declared dead and restart; Orleans extends probe timeouts while the prober
    /// itself is degraded. Death is written to the membership table, so a database outage cannot kill silos: votes
    /// wait for it. Each value can be overridden under <c>Presence:Cluster:Membership</c>.
    /// </summary>
    private static void ConfigureMembershipTimings(ISiloBuilder silo) =>
        silo.Services.AddOptions<ClusterMembershipOptions>()
            .Configure(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(2);
                o.NumMissedProbesLimit = 2;
                o.NumVotesForDeathDeclaration = 2;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(10);
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
            })
            .BindConfiguration($"{PresenceClusterOptions.SectionName}:Membership");

    /// <summary>
    /// Grain storage (System.Text.Json) and Orleans' ADO.NET reminders on our pooled data source. The storage is
    /// <paramref name="grainStorage"/>: ours with group commit (<see cref="GroupCommitGrainStorage"/>), or Orleans' stock
    /// ADO.NET one behind <see cref="OutageAwareGrainStorage"/>, registered as the default provider. The reminder table is
    /// behind <see cref="OutageAwareReminderTable"/>. Each thus translates storage errors where a grain's call returns.
    /// </summary>
    private static void UsePostgresStorage(ISiloBuilder silo, GrainStorageProvider grainStorage)
    {
        silo.UseSystemTextJsonGrainStorageSerializer();
        switch (grainStorage)
        {
            case GrainStorageProvider.GroupCommit:
                silo.AddGroupCommitGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);
                break;
            case GrainStorageProvider.AdoNet:
                silo.AddAdoNetGrainStorage(StockStorageName, o => o.Configure<PostgresDatabase>((options, database) =>
                {
                    options.Invariant = NpgsqlInvariant;
                    options.DataSource = database.DataSource;
                }));
                silo.Services.AddGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, static (sp, _) =>
                    new OutageAwareGrainStorage(sp.GetRequiredKeyedService<IGrainStorage>(StockStorageName), sp.GetRequiredService<PostgresDatabase>()));
                break;
            default:
                throw new InvalidOperationException($"Unknown {StorageOptions.SectionName}:GrainStorage '{grainStorage}'. Use GroupCommit or AdoNet.");
        }
        silo.UseAdoNetReminderService(o => o.Configure<PostgresDatabase>((options, database) =>
        {
            options.Invariant = NpgsqlInvariant;
            options.DataSource = database.DataSource;
        }));
        DecorateReminderTable(silo.Services);
    }

    /// <summary>
    /// Puts <see cref="OutageAwareReminderTable"/> in front of the <see cref="IReminderTable"/> just registered (Orleans'
    /// ADO.NET one, internal to Orleans, hence made from its registration).
    /// </summary>
    private static void DecorateReminderTable(IServiceCollection services)
    {
        var table = services.Last(d => d.ServiceType == typeof(IReminderTable) && !d.IsKeyedService);
        services.Remove(table);
        services.AddSingleton<IReminderTable>(sp => new OutageAwareReminderTable(
            (IReminderTable)(table.ImplementationInstance ?? table.ImplementationFactory?.Invoke(sp) ?? ActivatorUtilities.CreateInstance(sp, table.ImplementationType!)),
            sp.GetRequiredService<PostgresDatabase>(),
            sp.GetRequiredService<ILogger<OutageAwareReminderTable>>()));
    }
}
