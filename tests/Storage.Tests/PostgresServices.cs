using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Presence.Storage.Tests;

/// <summary>
/// Our PostgreSQL code as a silo gets it from DI (the shared <see cref="PostgresDatabase"/>, the subscription rows and the
/// health probe), outside any silo, with the shipped schema applied.
/// </summary>
internal sealed class PostgresServices : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private PostgresServices(ServiceProvider services) => _services = services;

    public PostgresDatabase Database => _services.GetRequiredService<PostgresDatabase>();
    public ISubscriptionTable Subscriptions => _services.GetRequiredService<ISubscriptionTable>();
    public IStorageHealth Health => _services.GetRequiredService<IStorageHealth>();
    public IAccountTable Accounts => _services.GetRequiredService<IAccountTable>();
    public IContactTable Contacts => _services.GetRequiredService<IContactTable>();

    /// <summary>Builds the services; with <paramref name="applySchema"/> the scripts are applied first, as the silo's first lifecycle stage would.</summary>
    public static async Task<PostgresServices> StartAsync(string connectionString, Action<PostgresPersistenceOptions>? configure = null, bool applySchema = true)
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddPostgresDatabase(connectionString, configure)
            .AddPostgresSubscriptions()
            .AddPostgresAccounts()
            .BuildServiceProvider();
        var started = new PostgresServices(services);
        try
        {
            if (applySchema)
                await PostgresSchemaInitializer.ApplyAsync(started.Database, CancellationToken.None);
            return started;
        }
        catch
        {
            await started.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
