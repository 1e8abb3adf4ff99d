using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Presence.Orleans.Runtime.AdoNet;

public static class PostgresPersistenceServiceCollectionExtensions
{
    /// <summary>
    /// Keeps grain state, reminders and subscriptions in PostgreSQL, on one pooled <c>NpgsqlDataSource</c>.
    /// Options bind from <c>Presence:Storage:Postgres</c> (an <c>IConfiguration</c> must be registered, as for
    /// <c>AddGrainRuntime</c>), then <paramref name="configure"/> runs. Any storage, reminder or subscription
    /// provider registered earlier (the in-memory default) is replaced, and a later
    /// <c>AddInMemoryGrainPersistence</c> adds nothing (it uses TryAdd), so the call order does not matter.
    /// Also registers <see cref="PostgresHealth"/> for readiness probes.
    /// </summary>
    public static IServiceCollection AddPostgresGrainPersistence(
        this IServiceCollection services,
        string connectionString,
        Action<PostgresPersistenceOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var options = services.AddOptions<PostgresPersistenceOptions>()
            .BindConfiguration(PostgresPersistenceOptions.SectionName)
            .Configure(o => o.ConnectionString = connectionString)
            .ValidateOnStart();
        if (configure is not null)
            options.Configure(configure);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgresPersistenceOptions>, PostgresPersistenceOptionsValidator>());

        services.TryAddSingleton<PostgresDatabase>();
        services.TryAddSingleton(sp => new PostgresHealth(sp.GetRequiredService<PostgresDatabase>()));
        services.TryAddSingleton<PostgresGrainStorage>();
        services.TryAddSingleton<PostgresReminderTable>();
        services.TryAddSingleton<PostgresSubscriptionTable>();

        services.RemoveAll<IGrainStorage>();
        services.RemoveAll<IReminderTable>();
        services.RemoveAll<ISubscriptionTable>();
        services.RemoveAll<IStorageHealth>();
        services.AddSingleton<IStorageHealth>(sp => sp.GetRequiredService<PostgresHealth>());
        services.AddSingleton<IGrainStorage>(sp => sp.GetRequiredService<PostgresGrainStorage>());
        services.AddSingleton<IReminderTable>(sp => sp.GetRequiredService<PostgresReminderTable>());
        services.AddSingleton<ISubscriptionTable>(sp => sp.GetRequiredService<PostgresSubscriptionTable>());
        return services;
    }
}
