namespace Presence.Grains.Tests;

/// <summary>
/// Users on chosen silos, placed with Orleans' placement hint on their activating call (the grain keeps the default
/// placement), and checked by asking the cluster where they live.
/// </summary>
[Collection(DefaultClusterCollection.Name)]
public sealed class UserPresenceGrainClusterTests(DefaultCluster cluster)
{
    private readonly TestApp _app = cluster.NewApp();

    private SiloAddress First => cluster.Cluster.Silos[1].SiloAddress;

    private SiloAddress Second => cluster.Cluster.Silos[2].SiloAddress;

    [Fact]
    public async Task Subscription_IsKeptAtBothEnds_WhenSubscriberAndTargetLiveOnDifferentSilos()
    {
        Assert.Equal(First, await _app.PlaceAsync("a", First));
        Assert.Equal(Second, await _app.PlaceAsync("b", Second));
        var device = await _app.ConnectAsync("a", "web_1");

        var result = await _app.User("a").SubscribeAsync(["b"], 100);
        var changed = await _app.User("b").SetStatusAsync("web", "1", "hello");
        await Eventually.TrueAsync(() => device.EventsOf("b").Any(e => e.Version == changed.Version), because: "b's change crosses to a's silo and on to a's device");
        var expiry = Assert.Single(result.Subscribed).Expiry;
        var watchersWhileSubscribed = await _app.User("b").GetWatchersAsync();
        var rowsWhileSubscribed = await _app.RowsOfSubscriberAsync("a");

        await _app.User("a").UnsubscribeAsync(["b"]);

        Assert.Equal([new SubscriptionEntry("a", expiry)], watchersWhileSubscribed);
        Assert.Equal(new Dictionary<string, long> { ["b"] = expiry }, rowsWhileSubscribed);
        Assert.Equal("hello", device.EventsOf("b")[^1].Ext);
        Assert.Empty(await _app.User("b").GetWatchersAsync());
        Assert.Empty(await _app.RowsOfSubscriberAsync("a"));
        Assert.Equal(First, await _app.LocationOfAsync("a"));
        Assert.Equal(Second, await _app.LocationOfAsync("b"));
    }

    // Each change is made once the device has the previous one: Orleans does not order one-way messages, so racing
    // changes may arrive in any order (see TestDevice); spaced ones must all arrive, once, in order, and nothing stale after.
    [Fact]
    public async Task ClientDevice_GetsEveryChangeOnceInOrder_WhenTheWatchedUserLivesOnAnotherSilo()
    {
        Assert.Equal(First, await _app.PlaceAsync("w", First));
        Assert.Equal(Second, await _app.PlaceAsync("b", Second));
        var watcher = await _app.ConnectAsync("w", "web_1"); // an object in the cluster client
        await _app.User("w").SubscribeAsync(["b"], 3600);

        const int changes = 50;
        for (var i = 1; i <= changes; i++)
        {
            var changed = await _app.User("b").SetStatusAsync("web", "1", $"e{i}");
            await Eventually.TrueAsync(() => watcher.EventsOf("b").Any(e => e.Version == changed.Version), because: $"change {i} reaches the device");
        }
        await watcher.SyncAsync();

        Assert.Equal(Enumerable.Range(1, changes).Select(v => (long)v), watcher.EventsOf("b").Select(e => e.Version));
        Assert.Equal(Enumerable.Range(1, changes).Select(i => $"e{i}"), watcher.EventsOf("b").Select(e => e.Ext));
        Assert.Equal(First, await _app.LocationOfAsync("w"));
        Assert.Equal(Second, await _app.LocationOfAsync("b"));
    }
}
