using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Presence.Grains;

public static class GrainsServiceCollectionExtensions
{
    /// <summary>
    /// Registers what the presence grains need besides Orleans itself: the <see cref="PresenceLimits"/> they enforce
    /// (section <c>Presence:Limits</c>, validated at start), and grain state that calls its storage provider on the grain's
    /// turn (<see cref="InlinePersistentState{TState}"/>). The grain classes are found by Orleans. Pair with
    /// <see cref="AddInMemorySubscriptions"/> or <see cref="AddPostgresSubscriptions"/>.
    /// </summary>
    public static IServiceCollection AddPresenceGrains(this IServiceCollection services)
    {
        services.AddOptions<PresenceLimits>().BindConfiguration(PresenceLimits.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PresenceLimits>, PresenceLimitsValidator>());
        // Not TryAdd: a silo that also hosts the API registers the gateway's grain-less default too; the grains' wins.
        services.AddSingleton<LocalPresenceSnapshots>();
        services.AddSingleton<ILocalPresenceSnapshots>(static sp => sp.GetRequiredService<LocalPresenceSnapshots>());
        // Not TryAdd either: Orleans registers its own factory with TryAdd, before or after this; the last one wins.
        services.AddSingleton<IPersistentStateFactory, InlinePersistentStateFactory>();
        return services;
    }

    /// <summary>Subscription rows in this process's memory (the embedded default; one silo, nothing survives a restart).</summary>
    public static IServiceCollection AddInMemorySubscriptions(this IServiceCollection services)
    {
        services.TryAddSingleton<ISubscriptionTable, InMemorySubscriptionTable>();
        services.TryAddSingleton<IStorageHealth, InMemoryStorageHealth>();
        return services;
    }

    /// <summary>
    /// The one pooled <see cref="PostgresDatabase"/> every PostgreSQL user in the process shares (our subscription
    /// rows, and Orleans' ADO.NET providers through its data source). Options bind from <c>Presence:Storage:Postgres</c>,
    /// then <paramref name="configure"/> runs.
    /// </summary>
    public static IServiceCollection AddPostgresDatabase(
        this IServiceCollection services, string connectionString, Action<PostgresPersistenceOptions>? configure = null)
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
        return services;
    }

    /// <summary>
    /// Subscription rows in PostgreSQL, on the <see cref="PostgresDatabase"/> of <see cref="AddPostgresDatabase"/>. Also
    /// registers <see cref="PostgresHealth"/> as the readiness probe's <see cref="IStorageHealth"/>.
    /// </summary>
    public static IServiceCollection AddPostgresSubscriptions(this IServiceCollection services)
    {
        services.TryAddSingleton<ISubscriptionTable, PostgresSubscriptionTable>();
        services.TryAddSingleton<IStorageHealth>(sp => new PostgresHealth(sp.GetRequiredService<PostgresDatabase>()));
        return services;
    }
}
