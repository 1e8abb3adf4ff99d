using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Runtime;
using Presence.Diagnostics;

namespace Presence.Grains;

/// <summary>
/// See <see cref="ISiloStatsGrain"/>: answers this process's <see cref="PresenceMetrics"/> when it runs on the silo it is
/// keyed for. Placement hints are honoured only while the hinted silo is compatible and alive, so the grain checks its key
/// against <see cref="ILocalSiloDetails.SiloAddress"/> and, misplaced, answers without figures and deactivates.
/// </summary>
[Reentrant]
internal sealed partial class SiloStatsGrain(ILocalSiloDetails localSilo, ILogger<SiloStatsGrain> logger) : Grain, ISiloStatsGrain
{
    private readonly ILogger _logger = logger;

    public Task<SiloStats> GetStatsAsync()
    {
        var keyedFor = this.GetPrimaryKeyString();
        var here = localSilo.SiloAddress.ToParsableString();
        if (!string.Equals(keyedFor, here, StringComparison.Ordinal))
        {
            LogMisplaced(keyedFor, here);
            this.DeactivateOnIdle();
            return Task.FromResult(new SiloStats(keyedFor, here, OnKeyedSilo: false, [], 0));
        }
        return Task.FromResult(new SiloStats(keyedFor, here, OnKeyedSilo: true, PresenceMetrics.Apps(), PresenceMetrics.TotalChanges));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "The stats grain of silo {Silo} was activated on {Here}: answering without figures")]
    private partial void LogMisplaced(string silo, string here);
}
