using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Presence.Orleans.Runtime;
using Xunit.Abstractions;

namespace Presence.Orleans.Grains.Tests;

public sealed class UserPresenceGrainFanOutTests(ITestOutputHelper output)
{
    private static Task<PresenceTestSilo> StartAsync(TimeSpan? window = null, Action<PresenceLimits>? limits = null) =>
        PresenceTestSilo.StartAsync(
            limits: l =>
            {
                l.CoalescingWindow = window ?? TimeSpan.Zero;
                limits?.Invoke(l);
            },
            runtime: r => r.ReminderPollPeriod = TimeSpan.FromDays(1));

    /// <summary>
    /// Waits until every one-way delivery already sent to <paramref name="username"/> has run: its calls run in
    /// arrival order, so a call made now completes after them.
    /// </summary>
    private static Task BarrierAsync(PresenceTestSilo silo, string username) => silo.User(username).GetPresenceAsync();

    [Fact]
    public async Task ConnectedWatcher_ReceivesEveryVersionInOrder_WhenCoalescingIsOffAndChangesRace()
    {
        await using var silo = await StartAsync();
        var watcher = await TestDevice.ConnectAsync(silo, "w", "web_1");
        await silo.User("w").SubscribeAsync(["b"], 3600);

        const int changes = 200;
        await Task.WhenAll(Enumerable.Range(0, changes).Select(i => Task.Run(() => silo.User("b").SetStatusAsync($"web_{i % 4}", $"s{i}", $"e{i}"))));
        await BarrierAsync(silo, "w");

        var versions = watcher.EventsOf("b").Select(e => e.Version).ToList();
        Assert.Equal(Enumerable.Range(1, changes).Select(v => (long)v), versions);
        var final = await silo.User("b").GetPresenceAsync();
        Assert.Equal(final.Ext, watcher.EventsOf("b")[^1].Ext);
    }

    [Fact]
    public async Task ConnectedWatcher_GetsTheFirstChangeAtOnceAndOnlyTheLatestAtTheWindowEnd_WhenCoalescing()
    {
        await using var silo = await StartAsync(window: TimeSpan.FromSeconds(1));
        var watcher = await TestDevice.ConnectAsync(silo, "w", "web_1");
        await silo.User("w").SubscribeAsync(["b"], 3600);

        for (var i = 1; i <= 5; i++)
            await silo.User("b").SetStatusAsync("web", "1", $"e{i}");
        await BarrierAsync(silo, "w");
        var beforeWindowEnd = watcher.EventsOf("b").Select(e => e.Ext).ToList();

        silo.Clock.Advance(TimeSpan.FromSeconds(1));
        await BarrierAsync(silo, "b"); // the window's timer tick has run
        await BarrierAsync(silo, "w");
        var afterWindowEnd = watcher.EventsOf("b").Select(e => (e.Ext, e.Version)).ToList();

        silo.Clock.Advance(TimeSpan.FromSeconds(1)); // a window with nothing pending sends nothing and closes
        await silo.User("b").SetStatusAsync("web", "1", "e6"); // first change after a quiet window: at once
        await BarrierAsync(silo, "w");

        Assert.Equal(["e1"], beforeWindowEnd);
        Assert.Equal([("e1", 1L), ("e5", 5L)], afterWindowEnd);
        Assert.Equal(["e1", "e5", "e6"], watcher.EventsOf("b").Select(e => e.Ext));
    }

    [Fact]
    public async Task OwnDevices_AreCoalescedToo_AndNeverSeeAnOlderVersionAfterANewerOne()
    {
        await using var silo = await StartAsync(window: TimeSpan.FromSeconds(1));
        var device = await TestDevice.ConnectAsync(silo, "b", "web_1");

        for (var round = 0; round < 5; round++)
        {
            for (var i = 0; i < 10; i++)
                await silo.User("b").SetStatusAsync("web_1", "1", $"r{round}i{i}");
            silo.Clock.Advance(TimeSpan.FromMilliseconds(600));
            await BarrierAsync(silo, "b");
        }
        silo.Clock.Advance(TimeSpan.FromSeconds(2));
        await BarrierAsync(silo, "b");

        var versions = device.EventsOf("b").Select(e => e.Version).ToList();
        Assert.True(versions.Zip(versions.Skip(1)).All(p => p.First < p.Second), string.Join(",", versions));
        Assert.True(versions.Count < 51, $"{versions.Count} events for 51 changes");
        Assert.Equal((await silo.User("b").GetPresenceAsync()).Version, versions[^1]);
        Assert.Equal("r4i9", device.EventsOf("b")[^1].Ext);
    }

    [Fact]
    public async Task OfflineWatchers_AreNotActivated_WhenTheTargetChanges()
    {
        await using var first = await StartAsync();
        const int offlineWatchers = 300;
        for (var i = 0; i < offlineWatchers; i++)
            await first.User($"w{i:000}").SubscribeAsync(["b"], 3600);
        await first.User("online").SubscribeAsync(["b"], 3600);
        await first.StopAsync();

        CountingGrainStorage? storage = null;
        await using var second = await PresenceTestSilo.StartAsync(
            storageFrom: first,
            limits: l => l.CoalescingWindow = TimeSpan.Zero,
            services: s => s.AddSingleton<IGrainStorage>(storage = new CountingGrainStorage(first.Storage)));
        var device = await TestDevice.ConnectAsync(second, "online", "web_1"); // announces itself to b
        await BarrierAsync(second, "b");

        var changed = await second.User("b").SetStatusAsync("web", "1", "hello");
        await BarrierAsync(second, "online");

        Assert.Equal(changed.Version, Assert.Single(device.EventsOf("b")).Version);
        Assert.Equal(1, storage!.ReadsOf("b"));
        Assert.Equal(offlineWatchers, (await second.User("b").GetWatchersAsync()).Count - 1);
        Assert.All(Enumerable.Range(0, offlineWatchers), i => Assert.Equal(0, storage.ReadsOf($"w{i:000}")));
    }

    [Fact]
    public async Task Watcher_ReceivesNothing_AfterItsLastDeviceDisconnectedOrItUnsubscribed()
    {
        await using var silo = await StartAsync();
        var w1 = await TestDevice.ConnectAsync(silo, "w1", "web_1");
        var w2 = await TestDevice.ConnectAsync(silo, "w2", "web_1");
        await silo.User("w1").SubscribeAsync(["b"], 3600);
        await silo.User("w2").SubscribeAsync(["b"], 3600);
        await silo.User("b").SetStatusAsync("web", "1", "one");

        await silo.User("w1").UnsubscribeAsync(["b"]);
        await w2.DisconnectAsync(logout: false);
        var reconnected = await TestDevice.ConnectAsync(silo, "w2", "ios_1");
        await silo.User("b").SetStatusAsync("web", "1", "two");
        await BarrierAsync(silo, "w1");
        await BarrierAsync(silo, "w2");

        Assert.Equal(["one"], w1.EventsOf("b").Select(e => e.Ext));
        Assert.Equal(["one"], w2.EventsOf("b").Select(e => e.Ext));
        Assert.Equal(["two"], reconnected.EventsOf("b").Select(e => e.Ext)); // a reconnected watcher announces itself again
    }

    [Fact]
    public async Task ExpiringSubscription_EndsOnItsSecondWithSubscriptionEnded_ThenSilence()
    {
        await using var silo = await StartAsync();
        var watcher = await TestDevice.ConnectAsync(silo, "w", "web_1");
        await silo.User("w").SubscribeAsync(["b"], 10);

        silo.Clock.Advance(TimeSpan.FromSeconds(9));
        await silo.User("b").SetStatusAsync("web", "1", "before");
        await BarrierAsync(silo, "w");
        var before = watcher.Received.ToList();

        silo.Clock.Advance(TimeSpan.FromSeconds(1)); // no reminder polls in this silo: only the timer can end it
        await Eventually.TrueAsync(() => watcher.SubscriptionsEnded.Count > 0, because: "subscription_ended at the expiry instant");
        await silo.User("b").SetStatusAsync("web", "1", "after");
        await BarrierAsync(silo, "w");

        Assert.Equal("before", Assert.IsType<PresenceSnapshot>(Assert.Single(before, e => e is PresenceSnapshot { Uid: "b" })).Ext);
        Assert.Equal([new TestDevice.Ended("b", SubscriptionEndReason.Expired)], watcher.SubscriptionsEnded);
        Assert.IsType<TestDevice.Ended>(watcher.Received[^1]); // nothing of b after it
        Assert.Empty(await silo.RowsOfSubscriberAsync("w"));
        Assert.Empty(await silo.User("b").GetWatchersAsync());
    }

    [Fact]
    public async Task Eviction_TellsTheDevicesSubscriptionEndedEvicted_ThenSilence()
    {
        await using var silo = await StartAsync(limits: l => l.MaxSubscriptionsPerUser = 1);
        var watcher = await TestDevice.ConnectAsync(silo, "w", "web_1");
        await silo.User("w").SubscribeAsync(["b"], 100);

        await silo.User("w").SubscribeAsync(["c"], 200);
        await silo.User("b").SetStatusAsync("web", "1", "after");
        await BarrierAsync(silo, "w");

        Assert.Equal([new TestDevice.Ended("b", SubscriptionEndReason.Evicted)], watcher.SubscriptionsEnded);
        Assert.Empty(watcher.EventsOf("b"));
    }

    [Fact]
    public async Task Watcher_KeepsReceiving_WhenTheTargetsActivationWasFencedAndReplaced()
    {
        await using var silo = await StartAsync();
        var watcher = await TestDevice.ConnectAsync(silo, "w", "web_1");
        await silo.User("w").SubscribeAsync(["b"], 3600);
        await silo.User("b").SetStatusAsync("web", "1", "one");

        // Another writer moves b's record on: b's activation is now stale and is fenced at its next write.
        var stored = await silo.StoredStateAsync("b");
        await silo.Storage.WriteStateAsync(PresenceTestSilo.UserGrainType, new GrainId(PresenceTestSilo.UserGrainType, PresenceTestSilo.Key("b").ToString()), stored, default);
        var changed = await silo.User("b").SetStatusAsync("web", "1", "two"); // retried on a fresh activation

        await Eventually.TrueAsync(() => watcher.EventsOf("b").Any(e => e.Ext == "two"), because: "the watcher re-announces itself to the new activation");
        await silo.User("b").SetStatusAsync("web", "1", "three");
        await Eventually.TrueAsync(() => watcher.EventsOf("b")[^1].Ext == "three");

        var versions = watcher.EventsOf("b").Select(e => e.Version).ToList();
        Assert.Equal(versions.Order(), versions);
        Assert.Contains(changed.Version, versions);
    }

    [Fact]
    public async Task FanOut_ReachesEveryConnectedWatcherWithoutAwaitingThem_WhenThousandsWatch()
    {
        const int watchers = 2000;
        await using var silo = await StartAsync(limits: l => l.MaxSubscribersPerUser = watchers);
        var devices = new TestDevice[watchers];
        var setup = Stopwatch.StartNew();
        // One after the other: a storm of first activations on two cores only measures thread-pool ramp-up.
        for (var i = 0; i < watchers; i++)
        {
            devices[i] = await TestDevice.ConnectAsync(silo, $"w{i:0000}", "web_1");
            await silo.User($"w{i:0000}").SubscribeAsync(["b"], 3600);
        }

        output.WriteLine($"{watchers} watchers connected and subscribed in {setup.ElapsedMilliseconds} ms");
        var clock = Stopwatch.StartNew();
        var changed = await silo.User("b").SetStatusAsync("web", "1", "go");
        var turn = clock.Elapsed;
        await Eventually.TrueAsync(() => devices.All(d => d.EventsOf("b").Count == 1), because: "every connected watcher gets the change");
        var all = clock.Elapsed;

        output.WriteLine($"{watchers} connected watchers: change acknowledged in {turn.TotalMilliseconds:0.0} ms, delivered to all in {all.TotalMilliseconds:0.0} ms");
        Assert.All(devices, d => Assert.Equal(changed.Version, d.EventsOf("b")[0].Version));
    }
}
