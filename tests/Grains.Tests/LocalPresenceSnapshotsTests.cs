using Microsoft.Extensions.DependencyInjection;

namespace Presence.Grains.Tests;

/// <summary>
/// A silo's published snapshots (what its co-hosted API reads without a grain call): only on the silo that hosts the
/// user, only the latest acknowledged change, and gone when the grain deactivates.
/// </summary>
[Collection(DefaultClusterCollection.Name)]
public sealed class LocalPresenceSnapshotsTests(DefaultCluster cluster)
{
    private readonly TestApp _app = cluster.NewApp();

    private SiloAddress First => cluster.Cluster.Silos[1].SiloAddress;

    private ILocalPresenceSnapshots SnapshotsOf(int silo) => cluster.Cluster.Silos[silo].ServiceProvider.GetRequiredService<ILocalPresenceSnapshots>();

    [Fact]
    public async Task HostingSilo_PublishesEachAcknowledgedChange_AndOtherSilosHaveNothing()
    {
        Assert.Equal(First, await _app.PlaceAsync("a", First));

        var first = await _app.User("a").SetStatusAsync("web", "1", "one");
        var read = await _app.User("a").GetPresenceAsync(); // a read publishes the current snapshot
        Assert.True(SnapshotsOf(1).TryGet(_app.Key("a"), out var published));
        Assert.Equal((first.Version, "one"), (published.Version, published.Ext));
        Assert.Equal(read.Version, published.Version);

        var second = await _app.User("a").SetStatusAsync("web", "busy", "two");
        // Acknowledged: the silo answers the new version (the grain's answer published it; the old one was withdrawn
        // before the write).
        Assert.True(SnapshotsOf(1).TryGet(_app.Key("a"), out var afterWrite));
        Assert.Equal(second.Version, afterWrite.Version);
        await _app.User("a").GetPresenceAsync();
        Assert.True(SnapshotsOf(1).TryGet(_app.Key("a"), out var latest));
        Assert.Equal(("busy", "two"), (latest.Status["web"], latest.Ext));

        Assert.False(SnapshotsOf(0).TryGet(_app.Key("a"), out _));
        Assert.False(SnapshotsOf(2).TryGet(_app.Key("a"), out _));
    }

    [Fact]
    public async Task Deactivation_WithdrawsTheSnapshot()
    {
        Assert.Equal(First, await _app.PlaceAsync("d", First));
        await _app.User("d").SetStatusAsync("web", "1", null);
        await _app.User("d").GetPresenceAsync();
        Assert.True(SnapshotsOf(1).TryGet(_app.Key("d"), out _));

        await _app.DeactivateAsync("d");

        await Eventually.TrueAsync(() => !SnapshotsOf(1).TryGet(_app.Key("d"), out _), because: "the deactivated grain's snapshot withdrawn");
    }
}
