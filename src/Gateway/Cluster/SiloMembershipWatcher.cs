using Microsoft.Extensions.Hosting;
using Orleans.Runtime;

namespace Presence.Gateway;

/// <summary>
/// A gateway process's view of cluster membership. Its own connections only show the silos it happened to connect
/// to, and a silo that died before the gateway connected to it would go unnoticed — while users whose grains it held
/// move without knowing which devices watch them. So the gateway asks the cluster for its active silos every
/// <see cref="PollPeriod"/> (one small system-grain call) and raises <see cref="SiloLossSignal"/> when one is gone.
/// </summary>
internal sealed partial class SiloMembershipWatcher(IClusterClient client, SiloLossSignal siloLoss, ILogger<SiloMembershipWatcher> logger)
    : BackgroundService
{
    public static readonly TimeSpan PollPeriod = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        HashSet<SiloAddress>? known = null;
        using var timer = new PeriodicTimer(PollPeriod);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            Dictionary<SiloAddress, SiloStatus> hosts;
            try
            {
                hosts = await client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                continue; // not connected yet, or the cluster is busy: the next poll asks again
            }
            var active = hosts.Keys.ToHashSet();
            if (known is not null && known.Any(silo => !active.Contains(silo)))
            {
                LogSiloLost(known.Count - known.Count(active.Contains));
                siloLoss.Raise();
            }
            known = active;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} silo(s) left the cluster; re-registering this gateway's connections")]
    private partial void LogSiloLost(int count);
}
