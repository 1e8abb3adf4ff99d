namespace Presence.Grains.Tests;

/// <summary>
/// Fan-out through processes' hubs: a change goes once to each process holding watchers' devices, naming the watchers
/// whose subscriptions are live there — not once per watcher grain and again per device.
/// </summary>
[Collection(DefaultClusterCollection.Name)]
public sealed class UserPresenceGrainHubTests(DefaultCluster cluster)
{
    private readonly TestApp _app = cluster.NewApp();

    [Fact]
    public async Task Change_GoesOnceToTheWatchersProcess_NamingEveryConnectedWatcher_AndNotThroughTheirGrains()
    {
        var hub = TestHub.Create(_app);
        var devices = new List<TestDevice>();
        foreach (var watcher in new[] { "w1", "w2", "w3" })
        {
            devices.Add(await _app.ConnectAsync(watcher, "web_1", hub));
            await _app.User(watcher).SubscribeAsync(["b"], 3600);
        }

        var changed = await _app.User("b").SetStatusAsync("web", "1", "hello");

        await Eventually.TrueAsync(() => hub.WatchersOf("b", changed.Version).Count == 3, because: "the hub hears of all three watchers");
        var delivery = Assert.Single(hub.Of("b"), d => d.Presence.Version == changed.Version);
        Assert.Equal(["w1", "w2", "w3"], delivery.Watchers.Order(StringComparer.Ordinal));
        Assert.Equal("hello", delivery.Presence.Ext);
        Assert.Equal((TestApp.Org, _app.Name), (delivery.Org, delivery.App));
        await devices[0].SyncAsync();
        Assert.All(devices, d => Assert.Empty(d.EventsOf("b"))); // nothing per device through the watcher grains
    }

    [Fact]
    public async Task WatcherOnTwoProcesses_IsNamedToBoth_UntilItsDeviceLeavesOne()
    {
        var first = TestHub.Create(_app);
        var second = TestHub.Create(_app);
        await _app.ConnectAsync("w", "web_1", first);
        var phone = await _app.ConnectAsync("w", "ios_1", second);
        await _app.User("w").SubscribeAsync(["b"], 3600);
        // Another watcher on the second process only: every delivery there names it, so its arrival says the second
        // process has heard of a change, named w or not.
        await _app.ConnectAsync("stays", "web_1", second);
        await _app.User("stays").SubscribeAsync(["b"], 3600);

        var both = await _app.User("b").SetStatusAsync("web", "1", "both");
        await Eventually.TrueAsync(() => first.WatchersOf("b", both.Version).Count == 1 && second.WatchersOf("b", both.Version).Count == 2,
            because: "each process holding a device of w hears of the change");
        Assert.Equal(["stays", "w"], second.WatchersOf("b", both.Version));

        await phone.DisconnectAsync(logout: false);
        // The hub set changed: a notice with a new epoch, one way. Changes made before it lands may still name w there.
        PresenceSnapshot change = both;
        await Eventually.TrueAsync(async () =>
        {
            change = await _app.User("b").SetStatusAsync("web", "1", $"v{change.Version}");
            await Eventually.TrueAsync(() => second.WatchersOf("b", change.Version).Count > 0, because: "the second process hears of the change");
            return !second.WatchersOf("b", change.Version).Contains("w");
        }, because: "the process w left no longer hears of b for w");

        Assert.Equal(["stays"], second.WatchersOf("b", change.Version));
        await Eventually.TrueAsync(() => first.WatchersOf("b", change.Version).Count == 1, because: "the process w stays on still hears");
        Assert.Equal(["w"], first.WatchersOf("b", change.Version));
    }

    [Fact]
    public async Task EndedSubscription_IsNoLongerNamed()
    {
        var hub = TestHub.Create(_app);
        await _app.ConnectAsync("stays", "web_1", hub);
        await _app.ConnectAsync("leaves", "web_1", hub);
        await _app.User("stays").SubscribeAsync(["b"], 3600);
        await _app.User("leaves").SubscribeAsync(["b"], 3600);
        var before = await _app.User("b").SetStatusAsync("web", "1", "before");
        await Eventually.TrueAsync(() => hub.WatchersOf("b", before.Version).Count == 2, because: "both watchers are named");

        await _app.User("leaves").UnsubscribeAsync(["b"]);
        var after = await _app.User("b").SetStatusAsync("web", "1", "after");

        await Eventually.TrueAsync(() => hub.WatchersOf("b", after.Version).Count == 1, because: "the remaining watcher is named");
        Assert.Equal(["stays"], hub.WatchersOf("b", after.Version));
    }

    [Fact]
    public async Task LargeFanOut_IsChunked_AndNamesEveryWatcherOnce()
    {
        var hub = TestHub.Create(_app);
        var watchers = Enumerable.Range(0, 2 * DefaultCluster.MaxWatchersPerDelivery + 10).Select(i => $"w{i:00000}").ToArray();
        var devices = new List<TestDevice>();
        await Parallel.ForEachAsync(watchers, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (watcher, _) =>
        {
            var device = await _app.ConnectAsync(watcher, "web_1", hub);
            lock (devices)
                devices.Add(device);
            await _app.User(watcher).SubscribeAsync(["b"], 3600);
        });

        var changed = await _app.User("b").SetStatusAsync("web", "1", "all");

        await Eventually.TrueAsync(() => hub.WatchersOf("b", changed.Version).Count == watchers.Length, TimeSpan.FromSeconds(30),
            because: "every watcher is named");
        Assert.Equal(watchers, hub.WatchersOf("b", changed.Version));
        Assert.Equal(3, hub.Of("b").Count(d => d.Presence.Version == changed.Version));
        Assert.NotNull(devices); // held: the client holds devices weakly
    }
}
