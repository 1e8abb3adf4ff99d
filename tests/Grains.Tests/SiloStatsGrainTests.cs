using Orleans.Runtime.Placement;
using Presence.Diagnostics;

namespace Presence.Grains.Tests;

/// <summary>
/// The admin cluster view reads each silo's figures through <see cref="ISiloStatsGrain"/>, keyed by the silo's address
/// and placed there with Orleans' placement hint: each answers from its own silo, and one that ends up elsewhere says so.
/// </summary>
[Collection(DefaultClusterCollection.Name)]
public sealed class SiloStatsGrainTests(DefaultCluster cluster)
{
    [Fact]
    public async Task SiloStats_AnswerFromTheSiloTheyAreKeyedFor_OnEverySilo_WithTheChangesCommitted()
    {
        var silos = cluster.Cluster.Silos.Select(s => s.SiloAddress).ToList();
        var before = new Dictionary<SiloAddress, long>();
        foreach (var silo in silos)
            before[silo] = (await cluster.Client.GetSiloStatsAsync(silo)).TotalChanges;
        var app = cluster.NewApp();
        for (var i = 0; i < 3; i++)
            await app.User($"u{i}").SetStatusAsync("web", "1", $"e{i}");

        foreach (var silo in silos)
        {
            var stats = await cluster.Client.GetSiloStatsAsync(silo);

            Assert.True(stats.OnKeyedSilo, $"{silo}: ran on {stats.RunningOn}");
            Assert.Equal(silo.ToParsableString(), stats.Silo);
            Assert.Equal(silo.ToParsableString(), stats.RunningOn);
            // The in-process silos share one process counter (a real silo counts its own): each saw the three changes.
            Assert.True(stats.TotalChanges - before[silo] >= 3, $"{silo}: {before[silo]} -> {stats.TotalChanges}");
        }
    }

    [Fact]
    public async Task SiloStats_ReportNoFigures_WhenActivatedOnAnotherSilo()
    {
        var keyedFor = cluster.Cluster.Silos[1].SiloAddress;
        var elsewhere = cluster.Cluster.Silos[2].SiloAddress;
        // A fresh key of the same shape whose silo is not in the cluster (another generation), hinted to elsewhere.
        var gone = SiloAddress.New(keyedFor.Endpoint, keyedFor.Generation + 1);

        RequestContext.Set(IPlacementDirector.PlacementHintKey, elsewhere);
        SiloStats stats;
        try
        {
            stats = await cluster.Client.GetGrain<ISiloStatsGrain>(gone.ToParsableString()).GetStatsAsync();
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }

        Assert.False(stats.OnKeyedSilo);
        Assert.Equal(gone.ToParsableString(), stats.Silo);
        Assert.Equal(elsewhere.ToParsableString(), stats.RunningOn);
        Assert.Empty(stats.Apps);
    }
}
