namespace Presence.Grains.Tests;

/// <summary>The default 1 s coalescing window, on the <see cref="SmallLimitsCluster"/>.</summary>
[Collection(SmallLimitsClusterCollection.Name)]
public sealed class UserPresenceGrainCoalescingTests(SmallLimitsCluster cluster)
{
    private readonly TestApp _app = cluster.NewApp();

    [Fact]
    public async Task ConnectedWatcher_GetsTheFirstChangeAtOnceAndOnlyTheLatestAtTheWindowEnd_WhenCoalescing()
    {
        var watcher = await _app.ConnectAsync("w", "web_1");
        await _app.User("w").SubscribeAsync(["b"], 3600);

        for (var i = 1; i <= 5; i++)
            await _app.User("b").SetStatusAsync("web", "1", $"e{i}");
        await Eventually.TrueAsync(() => watcher.EventsOf("b").Count >= 1, because: "the first change goes out at once");
        var beforeWindowEnd = watcher.EventsOf("b").Select(e => e.Ext).ToList(); // the rest waits in b for the window's end

        _app.Clock.Advance(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => watcher.EventsOf("b").Count >= 2, because: "the window's end sends the latest state");
        var afterWindowEnd = watcher.EventsOf("b").Select(e => (e.Ext, e.Version)).ToList();

        // A window with nothing pending sends nothing and closes. Its tick is queued on b as the clock moves, so it
        // runs before the next call.
        _app.Clock.Advance(TimeSpan.FromSeconds(1));
        await _app.User("b").SetStatusAsync("web", "1", "e6"); // first change after a quiet window: at once
        await Eventually.TrueAsync(() => watcher.EventsOf("b").Count >= 3, because: "the first change after a quiet window goes out at once");

        Assert.Equal(["e1"], beforeWindowEnd);
        Assert.Equal([("e1", 1L), ("e5", 5L)], afterWindowEnd);
        Assert.Equal(["e1", "e5", "e6"], watcher.EventsOf("b").Select(e => e.Ext));
    }

    [Fact]
    public async Task OwnDevices_AreCoalescedToo_AndGetOnlyTheLatestStateOfEachWindow()
    {
        var device = await _app.ConnectAsync("b", "web_1"); // version 1 goes out at once and opens a window
        var extOf = new Dictionary<long, string>();

        for (var round = 0; round < 5; round++)
        {
            for (var i = 0; i < 10; i++)
            {
                var changed = await _app.User("b").SetStatusAsync("web_1", "1", $"r{round}i{i}");
                extOf[changed.Version] = changed.Ext;
            }
            _app.Clock.Advance(TimeSpan.FromMilliseconds(600)); // a window's tick runs on b before the next round's calls
        }
        _app.Clock.Advance(TimeSpan.FromSeconds(2));
        await Eventually.TrueAsync(() => device.EventsOf("b").Any(e => e.Ext == "r4i9"), because: "the last window sends the latest state");

        // Windows end at 1.2 s (rounds 0-1 pending), 2.4 s (rounds 2-3) and 5 s (round 4): each sends the state of that
        // moment, the last change before it, and nothing in between goes out. Arrival order is Orleans' (see TestDevice).
        var events = device.EventsOf("b");
        Assert.Equal([1L, 21L, 41L, 51L], events.Select(e => e.Version).Order());
        Assert.All(events.Where(e => e.Version > 1), e => Assert.Equal(extOf[e.Version], e.Ext));
        Assert.Equal((await _app.User("b").GetPresenceAsync()).Version, events.Max(e => e.Version));
    }
}
