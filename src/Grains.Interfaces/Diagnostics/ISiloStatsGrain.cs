using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace Presence.Diagnostics;

/// <summary>
/// Reads one silo's <see cref="PresenceMetrics"/> (its per-app gauges and its change count) for the admin cluster view.
/// Keyed by the silo's address (<see cref="SiloAddress.ToParsableString"/>) and activated on that silo with Orleans'
/// placement hint: call it through <see cref="SiloStatsGrainExtensions.GetSiloStatsAsync"/>. An activation that finds
/// itself on another silo (the hinted one was gone) answers <see cref="SiloStats.OnKeyedSilo"/> false, without figures,
/// and deactivates.
/// </summary>
[Alias("presence.ISiloStatsGrain")]
public interface ISiloStatsGrain : IGrainWithStringKey
{
    [ReadOnly, AlwaysInterleave, Alias("GetStats")]
    Task<SiloStats> GetStatsAsync();
}

/// <summary>One silo's figures now.</summary>
/// <param name="Silo">The silo the grain is keyed for.</param>
/// <param name="RunningOn">The silo the activation runs on (equal to <paramref name="Silo"/> unless misplaced).</param>
/// <param name="OnKeyedSilo">Whether the figures are <paramref name="Silo"/>'s; when false they are empty.</param>
/// <param name="Apps">Per-app online users, connected devices and sockets of that process.</param>
/// <param name="TotalChanges">Presence changes committed in that process since it started.</param>
[GenerateSerializer, Immutable, Alias("presence.SiloStats")]
public sealed record SiloStats(
    [property: Id(0)] string Silo,
    [property: Id(1)] string RunningOn,
    [property: Id(2)] bool OnKeyedSilo,
    [property: Id(3)] IReadOnlyList<AppActivity> Apps,
    [property: Id(4)] long TotalChanges);

public static class SiloStatsGrainExtensions
{
    /// <summary>Asks <paramref name="silo"/> for its figures, activating its stats grain there (placement hint).</summary>
    public static async Task<SiloStats> GetSiloStatsAsync(this IGrainFactory grains, SiloAddress silo)
    {
        // An async method: the RequestContext change stays in this call's execution context, so concurrent calls
        // for several silos each carry their own hint.
        RequestContext.Set(IPlacementDirector.PlacementHintKey, silo);
        try
        {
            return await grains.GetGrain<ISiloStatsGrain>(silo.ToParsableString()).GetStatsAsync();
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }
    }
}
