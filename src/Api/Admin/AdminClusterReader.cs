using Orleans.Runtime;
using Presence.Diagnostics;

namespace Presence.Api;

/// <summary>
/// Builds <c>GET /admin/cluster</c>: the silos from Orleans' membership (<see cref="IManagementGrain.GetDetailedHosts"/>),
/// each active silo's activation count (<see cref="IManagementGrain.GetRuntimeStatistics"/>) and presence figures
/// (<see cref="ISiloStatsGrain"/>, activated on that silo), asked in parallel. A silo that does not answer within
/// <see cref="SiloTimeout"/> is listed with its status and no figures; only membership itself failing is a 503.
/// </summary>
internal sealed partial class AdminClusterReader(IGrainFactory grains, TimeProvider clock, ILogger<AdminClusterReader> logger)
{
    public static readonly TimeSpan SiloTimeout = TimeSpan.FromSeconds(2);

    public static readonly TimeSpan MembershipTimeout = TimeSpan.FromSeconds(5);

    public async Task<AdminClusterResponse> ReadAsync(CancellationToken cancellationToken)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetDetailedHosts(onlyActive: false).WaitAsync(MembershipTimeout, cancellationToken);
        var silos = await Task.WhenAll(hosts
            .Where(static h => h.Status != SiloStatus.Dead && h.Status != SiloStatus.None)
            .OrderBy(static h => h.SiloAddress.ToParsableString(), StringComparer.Ordinal)
            .Select(h => ReadSiloAsync(management, h, cancellationToken)));

        var apps = silos
            .Where(static s => s.Apps is not null)
            .SelectMany(static s => s.Apps!)
            .GroupBy(static a => a.App, StringComparer.Ordinal)
            .Select(static g => new AdminAppDto(g.Key, g.Sum(static a => a.OnlineUsers), g.Sum(static a => a.ConnectedDevices)))
            .OrderBy(static a => a.App, StringComparer.Ordinal)
            .ToList();
        var totals = new AdminTotalsDto(
            silos.Sum(static s => s.Changes ?? 0),
            apps.Sum(static a => a.OnlineUsers),
            apps.Sum(static a => a.ConnectedDevices));
        var gateway = new AdminGatewayDto(PresenceMetrics.Apps().Sum(static a => a.OpenSockets), PresenceMetrics.TotalEventsDelivered);
        return new AdminClusterResponse(silos, apps, totals, gateway, clock.GetUtcNow());
    }

    private async Task<AdminSiloDto> ReadSiloAsync(IManagementGrain management, MembershipEntry host, CancellationToken cancellationToken)
    {
        var address = host.SiloAddress.ToParsableString();
        var unanswered = new AdminSiloDto(address, host.SiloName, host.HostName, host.Status.ToString(), false, null, null, null);
        if (host.Status != SiloStatus.Active)
            return unanswered;

        var runtime = management.GetRuntimeStatistics([host.SiloAddress]);
        var stats = grains.GetSiloStatsAsync(host.SiloAddress);
        var both = Task.WhenAll(runtime, stats);
        try
        {
            await both.WaitAsync(SiloTimeout, cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Abandoned, not cancelled: Orleans ends the call at its own response timeout; observe that end.
            _ = both.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
            LogSiloUnanswered(address, exception.GetType().Name);
            return unanswered;
        }

        var figures = await stats;
        if (!figures.OnKeyedSilo)
        {
            LogSiloMisplaced(address, figures.RunningOn);
            return unanswered;
        }
        var activations = (await runtime).FirstOrDefault()?.ActivationCount;
        var apps = figures.Apps
            .Select(static a => new AdminAppDto(a.App, a.OnlineUsers, a.ConnectedDevices))
            .ToList();
        return unanswered with { Answered = true, Activations = activations, Changes = figures.TotalChanges, Apps = apps };
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Admin cluster view: silo {Silo} did not answer ({Failure}); listed without figures")]
    private partial void LogSiloUnanswered(string silo, string failure);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Admin cluster view: the stats grain of silo {Silo} ran on {RunningOn}; listed without figures")]
    private partial void LogSiloMisplaced(string silo, string runningOn);
}
