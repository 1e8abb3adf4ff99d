using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Presence.Orleans.Runtime;

/// <summary>Starts the silo (storage schemas, reminders, idle collection) and stops it by deactivating every grain.</summary>
internal sealed class SiloLifecycleService(IServiceProvider services, Catalog catalog, ReminderService reminders, SiloStatus status) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await services.GetRequiredService<IGrainStorage>().InitAsync(cancellationToken);
        if (services.GetService<ISubscriptionTable>() is { } subscriptions)
            await subscriptions.InitAsync(cancellationToken);
        await reminders.StartAsync(cancellationToken);
        catalog.StartCollector();
        status.SetActive(true);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        status.SetActive(false);
        reminders.Stop();
        await catalog.StopAsync(cancellationToken);
    }
}
