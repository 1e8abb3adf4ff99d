using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Presence.Orleans.Runtime.AdoNet.Tests;

/// <summary>The three providers and the health probe as a silo gets them from DI, with their schema applied.</summary>
internal sealed class PostgresProviders : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private PostgresProviders(ServiceProvider services) => _services = services;

    public IGrainStorage Storage => _services.GetRequiredService<IGrainStorage>();
    public IReminderTable Reminders => _services.GetRequiredService<IReminderTable>();
    public ISubscriptionTable Subscriptions => _services.GetRequiredService<ISubscriptionTable>();
    public PostgresHealth Health => _services.GetRequiredService<PostgresHealth>();

    public static async Task<PostgresProviders> StartAsync(string connectionString, Action<PostgresPersistenceOptions>? configure = null)
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddPostgresGrainPersistence(connectionString, configure)
            .BuildServiceProvider();
        var providers = new PostgresProviders(services);
        await providers.Storage.InitAsync(CancellationToken.None);
        await providers.Reminders.InitAsync(CancellationToken.None);
        await providers.Subscriptions.InitAsync(CancellationToken.None);
        return providers;
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
