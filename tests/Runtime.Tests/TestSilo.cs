using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Presence.Orleans.Testing;

namespace Presence.Orleans.Runtime.Tests;

/// <summary>A started in-process silo with the test grains, a manual clock and in-memory persistence.</summary>
internal sealed class TestSilo : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly IHostedService[] _hosted;

    private TestSilo(ServiceProvider services)
    {
        _services = services;
        _hosted = services.GetServices<IHostedService>().ToArray();
    }

    public ManualTimeProvider Clock => (ManualTimeProvider)_services.GetRequiredService<TimeProvider>();
    public IGrainFactory Grains => _services.GetRequiredService<IGrainFactory>();
    public Catalog Catalog => _services.GetRequiredService<Catalog>();
    public ReminderService Reminders => _services.GetRequiredService<ReminderService>();
    public IReminderTable ReminderTable => _services.GetRequiredService<IReminderTable>();
    public IGrainStorage Storage => _services.GetRequiredService<IGrainStorage>();
    public TestRecorder Recorder => _services.GetRequiredService<TestRecorder>();

    public static readonly TimeSpan CollectionAge = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan CollectionQuantum = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan ReminderPoll = TimeSpan.FromSeconds(1);

    public static async Task<TestSilo> StartAsync(Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddSingleton<TimeProvider>(new ManualTimeProvider())
            .AddSingleton<TestRecorder>()
            .AddGrainRuntime(o =>
            {
                o.CollectionAge = CollectionAge;
                o.CollectionQuantum = CollectionQuantum;
                o.ReminderPollPeriod = ReminderPoll;
            })
            .AddTestGrains();
        configure?.Invoke(services);
        services.AddInMemoryGrainPersistence();
        var silo = new TestSilo(services.BuildServiceProvider());
        foreach (var hosted in silo._hosted)
            await hosted.StartAsync(CancellationToken.None);
        return silo;
    }

    public ITestGrain Grain(string key) => Grains.GetGrain<ITestGrain>(key);

    public GrainId IdOf(string key) => new(TestGrainReference.GrainType, key);

    public async ValueTask DisposeAsync()
    {
        foreach (var hosted in _hosted.Reverse())
            await hosted.StopAsync(CancellationToken.None);
        await _services.DisposeAsync();
    }
}
