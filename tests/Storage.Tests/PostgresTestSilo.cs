using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Presence.Orleans.Runtime.AdoNet.Tests;

/// <summary>A started in-process silo with the journal grain, a manual clock and the PostgreSQL providers.</summary>
internal sealed class PostgresTestSilo : IAsyncDisposable
{
    public static readonly TimeSpan ReminderPoll = TimeSpan.FromSeconds(1);

    private readonly ServiceProvider _services;
    private readonly IHostedService[] _hosted;
    private bool _stopped;

    private PostgresTestSilo(ServiceProvider services, ManualTimeProvider clock)
    {
        _services = services;
        _hosted = services.GetServices<IHostedService>().ToArray();
        Clock = clock;
    }

    public ManualTimeProvider Clock { get; }
    public IGrainFactory Grains => _services.GetRequiredService<IGrainFactory>();
    public IGrainStorage Storage => _services.GetRequiredService<IGrainStorage>();
    public IReminderTable ReminderTable => _services.GetRequiredService<IReminderTable>();
    public JournalRecorder Recorder => _services.GetRequiredService<JournalRecorder>();

    public static async Task<PostgresTestSilo> StartAsync(string connectionString, ManualTimeProvider clock)
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddSingleton<TimeProvider>(clock)
            .AddSingleton<JournalRecorder>()
            .AddGrainRuntime(o => o.ReminderPollPeriod = ReminderPoll)
            .AddJournalGrain()
            .AddPostgresGrainPersistence(connectionString)
            // As a silo host would: the in-memory default is ignored once PostgreSQL is registered.
            .AddInMemoryGrainPersistence();
        var silo = new PostgresTestSilo(services.BuildServiceProvider(), clock);
        foreach (var hosted in silo._hosted)
            await hosted.StartAsync(CancellationToken.None);
        return silo;
    }

    public IJournalGrain Journal(string key) => Grains.GetGrain<IJournalGrain>(key);

    public static GrainId IdOf(string key) => new(JournalGrainReference.GrainType, key);

    public async Task<GrainState<JournalState>> ReadStoredAsync(string key)
    {
        var state = new GrainState<JournalState>();
        await Storage.ReadStateAsync(JournalGrainReference.GrainType, IdOf(key), state, CancellationToken.None);
        return state;
    }

    /// <summary>Stops the silo gracefully: activations deactivate, timers stop.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
            return;
        _stopped = true;
        foreach (var hosted in _hosted.Reverse())
            await hosted.StopAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _services.DisposeAsync();
    }
}
