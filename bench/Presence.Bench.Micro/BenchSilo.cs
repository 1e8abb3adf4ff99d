using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Presence.Orleans.Grains;
using Presence.Orleans.Runtime;

namespace Presence.Orleans.Bench.Micro;

/// <summary>An in-process silo (runtime, in-memory persistence, presence grains and the echo grain), started.</summary>
public sealed class BenchSilo : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly IHostedService[] _hosted;

    private BenchSilo(ServiceProvider services)
    {
        _services = services;
        _hosted = [.. services.GetServices<IHostedService>()];
    }

    public IGrainFactory Grains => _services.GetRequiredService<IGrainFactory>();

    public static async Task<BenchSilo> StartAsync()
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddGrainRuntime()
            .AddInMemoryGrainPersistence()
            .AddPresenceGrainReferences()
            .AddPresenceGrains()
            .AddGrainReference<IEchoGrain>(EchoGrainReference.GrainType, static (id, invoker) => new EchoGrainReference(id, invoker))
            .AddGrain<EchoGrain>(EchoGrainReference.GrainType)
            .BuildServiceProvider();
        var silo = new BenchSilo(services);
        foreach (var hosted in silo._hosted)
            await hosted.StartAsync(CancellationToken.None);
        return silo;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var hosted in _hosted.Reverse())
            await hosted.StopAsync(CancellationToken.None);
        await _services.DisposeAsync();
    }
}
