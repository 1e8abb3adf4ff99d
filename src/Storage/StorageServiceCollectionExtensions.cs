using Microsoft.Extensions.DependencyInjection.Extensions;
using Presence.Webhooks;

namespace Presence.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Subscription rows in this process's memory (the embedded default; one silo, nothing survives a restart).</summary>
    public static IServiceCollection AddInMemorySubscriptions(this IServiceCollection services)
    {
        services.TryAddSingleton<ISubscriptionTable, InMemorySubscriptionTable>();
        services.TryAddSingleton<IStorageHealth, InMemoryStorageHealth>();
        return services;
    }

    /// <summary>Accounts and contacts in this process's memory (the embedded default; one silo, nothing survives a restart).</summary>
    public static IServiceCollection AddInMemoryAccounts(this IServiceCollection services)
    {
        services.TryAddSingleton<IAccountTable, InMemoryAccountTable>();
        services.TryAddSingleton<IContactTable, InMemoryContactTable>();
        return services;
    }

    /// <summary>Accounts and contacts in PostgreSQL (<c>presence_accounts</c>, <c>presence_contacts</c>), on the <see cref="PostgresDatabase"/>.</summary>
    public static IServiceCollection AddPostgresAccounts(this IServiceCollection services)
    {
        services.TryAddSingleton<IAccountTable, PostgresAccountTable>();
        services.TryAddSingleton<IContactTable, PostgresContactTable>();
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

    /// <summary>The webhook outbox in this process's memory (the embedded default), filled by the memory grain storage.</summary>
    public static IServiceCollection AddInMemoryWebhookOutbox(this IServiceCollection services)
    {
        services.TryAddSingleton<WebhookOutboxSignal>();
        services.TryAddSingleton(static sp => new InMemoryWebhookOutbox(TimeProvider.System, sp.GetRequiredService<WebhookOutboxSignal>()));
        services.TryAddSingleton<IWebhookOutbox>(static sp => sp.GetRequiredService<InMemoryWebhookOutbox>());
        return services;
    }

    /// <summary>
    /// The webhook outbox in PostgreSQL (Sql/007_webhooks.sql), filled by the group-commit grain storage in the state's
    /// own transaction; <paramref name="serviceId"/> scopes its rows like the grain state rows.
    /// </summary>
    public static IServiceCollection AddPostgresWebhookOutbox(this IServiceCollection services, Func<IServiceProvider, string> serviceId)
    {
        services.TryAddSingleton<WebhookOutboxSignal>();
        services.TryAddSingleton<IWebhookOutbox>(sp =>
            new PostgresWebhookOutbox(sp.GetRequiredService<PostgresDatabase>(), serviceId(sp), sp.GetRequiredService<WebhookOutboxSignal>()));
        return services;
    }
}
