using System.Diagnostics;
using Orleans.Storage;
using Xunit.Abstractions;

namespace Presence.Grains.Tests;

[Collection(DefaultClusterCollection.Name)]
public sealed class UserPresenceGrainFanOutTests(DefaultCluster cluster, ITestOutputHelper output)
{
    private readonly TestApp _app = cluster.NewApp();

    // Orleans does not keep the order of one-way messages, so racing changes may reach the watcher grain, and the
    // device, in any order; the watcher grain drops a version older than one it already forwarded. What the grains
    // owe: each event is the true snapshot of its version, none twice, and the latest state arrives.
    [Fact]
    public async Task ConnectedWatcher_GetsTrueSnapshotsOnceEachAndTheLatestState_WhenCoalescingIsOffAndChangesRace()
    {
        var watcher = await _app.ConnectAsync("w", "web_1");
        await _app.User("w").SubscribeAsync(["b"], 3600);

        const int changes = 200;
        var results = await Task.WhenAll(Enumerable.Range(0, changes).Select(i => Task.Run(() => _app.User("b").SetStatusAsync($"web_{i % 4}", $"s{i}", $"e{i}"))));
        var extOf = results.ToDictionary(r => r.Version, r => r.Ext);
        await Eventually.TrueAsync(() => watcher.EventsOf("b").Any(e => e.Version == changes), because: "the latest change arrives");

        var events = watcher.EventsOf("b");
        Assert.Equal(Enumerable.Range(1, changes).Select(v => (long)v), extOf.Keys.Order()); // one version per change
        Assert.Equal(events.Count, events.Select(e => e.Version).Distinct().Count());
        Assert.All(events, e => Assert.Equal(extOf[e.Version], e.Ext));
        Assert.Equal((await _app.User("b").GetPresenceAsync()).Ext, events.Single(e => e.Version == changes).Ext);
    }

    [Fact]
    public async Task OfflineWatchers_AreNotActivated_WhenTheTargetChanges()
    {
        const int offlineWatchers = 300;
        var offline = Enumerable.Range(0, offlineWatchers).Select(i => $"w{i:000}").ToArray();
        const int day = 86_400; // no expiry falls due while later tests of the collection move the clock
        foreach (var watcher in offline)
            await _app.User(watcher).SubscribeAsync(["b"], day);
        var device = await _app.ConnectAsync("online", "web_1");
        await _app.User("online").SubscribeAsync(["b"], day);

        // Nothing of them stays in memory. b's end tells its connected watcher, which announces itself to b's next
        // activation and is answered with b's state: then b knows who is connected.
        await _app.DeactivateAsync([.. offline, "b"]);
        await Eventually.TrueAsync(() => device.EventsOf("b").Count > 0, because: "the online watcher announced itself to b again");
        var activation = _app.ActivationOf("b");

        var changed = await _app.User("b").SetStatusAsync("web", "1", "hello");
        await Eventually.TrueAsync(() => device.EventsOf("b").Any(e => e.Version == changed.Version), because: "the online watcher gets the change");

        Assert.Equal([0L, changed.Version], device.EventsOf("b").Select(e => e.Version));
        Assert.NotNull(activation);
        Assert.Equal(activation, _app.ActivationOf("b")); // activated once
        Assert.Equal(offlineWatchers, (await _app.User("b").GetWatchersAsync()).Count - 1);
        Assert.All(offline, watcher => Assert.False(_app.IsActive(watcher), $"{watcher} was activated"));
    }

    [Fact]
    public async Task Watcher_ReceivesNothing_AfterItsLastDeviceDisconnectedOrItUnsubscribed()
    {
        var w1 = await _app.ConnectAsync("w1", "web_1");
        var w2 = await _app.ConnectAsync("w2", "web_1");
        await _app.User("w1").SubscribeAsync(["b"], 3600);
        await _app.User("w2").SubscribeAsync(["b"], 3600);
        await _app.User("b").SetStatusAsync("web", "1", "one");
        await Eventually.TrueAsync(() => w1.EventsOf("b").Count > 0 && w2.EventsOf("b").Count > 0, because: "both watchers get the first change");

        await _app.User("w1").UnsubscribeAsync(["b"]);
        await w2.DisconnectAsync(logout: false);
        var reconnected = await _app.ConnectAsync("w2", "ios_1");
        // The reconnection notice is one way and may reach b after a change sent right away: b changes until the
        // reconnected device hears of it.
        var round = 0;
        await Eventually.TrueAsync(async () =>
        {
            await _app.User("b").SetStatusAsync("web", "1", $"two-{++round}");
            return reconnected.EventsOf("b").Count > 0;
        }, because: "a reconnected watcher announces itself again");
        await w1.SyncAsync();

        Assert.Equal(["one"], w1.EventsOf("b").Select(e => e.Ext));
        Assert.Equal(["one"], w2.EventsOf("b").Select(e => e.Ext));
        Assert.All(reconnected.EventsOf("b"), e => Assert.StartsWith("two-", e.Ext));
    }

    [Fact]
    public async Task ExpiringSubscription_EndsOnItsSecondWithSubscriptionEnded_ThenSilence()
    {
        var watcher = await _app.ConnectAsync("w", "web_1");
        await _app.User("w").SubscribeAsync(["b"], 10);

        _app.Clock.Advance(TimeSpan.FromSeconds(9));
        await _app.User("b").SetStatusAsync("web", "1", "before");
        await Eventually.TrueAsync(() => watcher.EventsOf("b").Count > 0, because: "the live subscription delivers");
        var before = watcher.Received.ToList();

        _app.Clock.Advance(TimeSpan.FromSeconds(1)); // the grain's own timer; the reminder is due a moment later
        await Eventually.TrueAsync(() => watcher.SubscriptionsEnded.Count > 0, because: "subscription_ended at the expiry instant");
        await Eventually.TrueAsync(async () => (await _app.User("b").GetWatchersAsync()).Count == 0, because: "w released b");
        await _app.User("b").SetStatusAsync("web", "1", "after");
        await watcher.SyncAsync();

        Assert.Equal("before", Assert.IsType<PresenceSnapshot>(Assert.Single(before, e => e is PresenceSnapshot { Uid: "b" })).Ext);
        Assert.Equal([new TestDevice.Ended("b", SubscriptionEndReason.Expired)], watcher.SubscriptionsEnded);
        var received = watcher.Received;
        var ended = received.ToList().FindIndex(e => e is TestDevice.Ended);
        Assert.DoesNotContain(received.Skip(ended), e => e is PresenceSnapshot { Uid: "b" }); // nothing of b after it
        Assert.Empty(await _app.RowsOfSubscriberAsync("w"));
    }

    [Fact]
    public async Task Watcher_KeepsReceiving_WhenTheTargetsActivationWasFencedAndReplaced()
    {
        var watcher = await _app.ConnectAsync("w", "web_1");
        await _app.User("w").SubscribeAsync(["b"], 3600);
        await _app.User("b").SetStatusAsync("web", "1", "one");
        await Eventually.TrueAsync(() => watcher.EventsOf("b").Count > 0, because: "the watcher gets the first change");

        // Another writer moves b's record on: b's activation is now stale. Its next write is fenced and not
        // acknowledged, and Orleans deactivates it; the caller sends the call again (the gateway retries once).
        await _app.RewriteStoredStateAsync("b");
        await Assert.ThrowsAsync<InconsistentStateException>(() => _app.User("b").SetStatusAsync("web", "1", "two"));
        var changed = await _app.User("b").SetStatusAsync("web", "1", "two");

        await Eventually.TrueAsync(() => watcher.EventsOf("b").Any(e => e.Ext == "two"), because: "the watcher re-announces itself to the new activation");
        await _app.User("b").SetStatusAsync("web", "1", "three");
        await Eventually.TrueAsync(() => watcher.EventsOf("b").Any(e => e.Ext == "three"), because: "the new activation keeps sending");

        var versions = watcher.EventsOf("b").Select(e => e.Version).ToList(); // each change was awaited at the device
        Assert.Equal(versions.Order(), versions);
        Assert.Equal(versions.Count, versions.Distinct().Count());
        Assert.Contains(changed.Version, versions);
    }

    [Fact]
    public async Task FanOut_ReachesEveryConnectedWatcherWithoutAwaitingThem_WhenThousandsWatch()
    {
        const int watchers = 2000; // under the default cap of 3000 subscribers
        const int day = 86_400; // no expiry falls due while later tests of the collection move the clock
        var devices = new TestDevice[watchers];
        var setup = Stopwatch.StartNew();
        // A few at a time: a storm of 2000 first activations on two cores only measures thread-pool ramp-up.
        await Parallel.ForEachAsync(Enumerable.Range(0, watchers), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            devices[i] = await _app.ConnectAsync($"w{i:0000}", "web_1");
            await _app.User($"w{i:0000}").SubscribeAsync(["b"], day);
        });

        output.WriteLine($"{watchers} watchers connected and subscribed in {setup.ElapsedMilliseconds} ms");
        var clock = Stopwatch.StartNew();
        var changed = await _app.User("b").SetStatusAsync("web", "1", "go");
        var turn = clock.Elapsed;
        await Eventually.TrueAsync(() => devices.All(d => d.EventsOf("b").Count == 1), because: "every connected watcher gets the change");
        var all = clock.Elapsed;

        output.WriteLine($"{watchers} connected watchers: change acknowledged in {turn.TotalMilliseconds:0.0} ms, delivered to all in {all.TotalMilliseconds:0.0} ms");
        Assert.All(devices, d => Assert.Equal(changed.Version, d.EventsOf("b")[0].Version));

        // Leave the shared cluster quiet: connected devices keep a connections reminder each.
        await Parallel.ForEachAsync(devices, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (device, _) => await device.DisconnectAsync(logout: true));
    }
}
