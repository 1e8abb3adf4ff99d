using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Presence.Silo;

namespace Presence.Bench.Micro;

/// <summary>
/// An in-process Orleans silo, started: localhost clustering on free loopback ports, and <c>AddPresence</c> with its
/// defaults (memory grain storage and reminders, subscription rows in memory), so it hosts the real
/// <c>UserPresenceGrain</c> beside the echo grain. Calls from <see cref="Grains"/> are local calls.
/// </summary>
public sealed class BenchSilo : IAsyncDisposable
{
    private static readonly Lazy<Task<BenchSilo>> SharedSilo = new(StartAsync);

    private readonly IHost _host;

    private BenchSilo(IHost host) => _host = host;

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    /// <summary>
    /// One silo for every benchmark of the process (BenchmarkDotNet's in-process toolchain runs them all here): starting
    /// and stopping one per benchmark left the later ones measuring a process full of stopped silos' leftovers.
    /// </summary>
    public static Task<BenchSilo> SharedAsync() => SharedSilo.Value;

    /// <summary>Stops the shared silo, if it was started.</summary>
    public static async Task StopSharedAsync()
    {
        if (SharedSilo.IsValueCreated)
            await (await SharedSilo.Value).DisposeAsync();
    }

    public static async Task<BenchSilo> StartAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Presence:Storage:Provider"] = "Memory",
        });
        builder.Logging.SetMinimumLevel(LogLevel.Error).AddConsole();
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(FreeLoopbackPort(), FreeLoopbackPort(), serviceId: "bench", clusterId: "bench")
            .AddPresence(builder.Configuration));
        var host = builder.Build();
        await host.StartAsync();
        return new BenchSilo(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
