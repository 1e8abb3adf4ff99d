using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Presence.Orleans.Runtime;

/// <summary>
/// Starts the silo (storage schemas, reminders, idle collection) and stops it by deactivating every grain.
/// When storage is unreachable at start, the host still comes up (liveness answers, readiness does not) and
/// initialization is retried in the background until the storage returns.
/// </summary>
internal sealed partial class SiloLifecycleService(
    IServiceProvider services,
    Catalog catalog,
    ReminderService reminders,
    SiloStatus status,
    ILogger<SiloLifecycleService> logger) : IHostedService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger _logger = logger;
    private Task _starting = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await InitializeAsync(cancellationToken);
        }
        catch (StorageUnavailableException exception)
        {
            LogStorageUnavailableAtStart(exception, RetryDelay.TotalSeconds);
            _starting = RetryUntilStartedAsync(_stopping.Token);
        }
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await services.GetRequiredService<IGrainStorage>().InitAsync(cancellationToken);
        if (services.GetService<ISubscriptionTable>() is { } subscriptions)
            await subscriptions.InitAsync(cancellationToken);
        await reminders.StartAsync(cancellationToken);
        catalog.StartCollector();
        status.SetActive(true);
    }

    private async Task RetryUntilStartedAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(RetryDelay, cancellationToken);
                await InitializeAsync(cancellationToken);
                LogStartedAfterRetry();
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (StorageUnavailableException exception)
            {
                LogStorageStillUnavailable(exception.Message);
            }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        status.SetActive(false);
        _stopping.Cancel();
        await _starting;
        reminders.Stop();
        await catalog.StopAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Storage is unavailable at start; the silo is not ready and retries every {Seconds} s")]
    private partial void LogStorageUnavailableAtStart(Exception exception, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage still unavailable: {Reason}")]
    private partial void LogStorageStillUnavailable(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Storage is back; the silo is ready")]
    private partial void LogStartedAfterRetry();
}
