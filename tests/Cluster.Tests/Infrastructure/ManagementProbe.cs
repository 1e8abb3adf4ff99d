using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Runtime;

namespace Presence.Cluster.Tests;

/// <summary>
/// An Orleans client in the test process, on the cluster's membership table, asking the management grain where grains
/// live — what no HTTP route tells. It hosts nothing and calls nothing but <see cref="IManagementGrain"/>.
/// </summary>
public sealed class ManagementProbe : IAsyncDisposable
{
    /// <summary>The presence grain's type in Orleans grain ids (<c>[GrainType]</c> of UserPresenceGrain).</summary>
    public const string UserGrainType = "user-presence";

    private readonly IHost _host;

    private ManagementProbe(IHost host) => _host = host;

    private IManagementGrain Management => _host.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0);

    public static async Task<ManagementProbe> ConnectAsync(string connectionString, string clusterId, string serviceId)
    {
        var host = new HostBuilder()
            .UseOrleansClient(client =>
            {
                client.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = clusterId;
                    o.ServiceId = serviceId;
                });
                client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(2));
                client.UseAdoNetClustering(o =>
                {
                    o.Invariant = "Npgsql";
                    o.ConnectionString = connectionString;
                });
            })
            .Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await host.StartAsync(timeout.Token);
        return new ManagementProbe(host);
    }

    /// <summary>Silo-to-silo ports of the silos the cluster considers active.</summary>
    public async Task<IReadOnlySet<int>> ActiveSiloPortsAsync()
    {
        var hosts = await Management.GetHosts(onlyActive: true);
        return hosts.Keys.Select(s => s.Endpoint.Port).ToHashSet();
    }

    /// <summary>
    /// Every activation of the presence grain in the cluster: username (of the dev app) → silo ports hosting it, one
    /// entry per activation (two entries would be a duplicate activation).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<int>>> UserActivationsAsync()
    {
        var statistics = await Management.GetDetailedGrainStatistics();
        var prefix = $"{PresenceRest.Org}/{PresenceRest.App}/";
        return statistics
            .Where(s => s.GrainId.Type.ToString() == UserGrainType)
            .GroupBy(s => s.GrainId.Key.ToString()!)
            .Where(g => g.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(g => g.Key[prefix.Length..], g => (IReadOnlyList<int>)[.. g.Select(s => s.SiloAddress.Endpoint.Port)], StringComparer.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _host.StopAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
        }
        _host.Dispose();
    }
}
