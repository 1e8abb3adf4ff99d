namespace Presence.Grains.Tests;

[Collection(SmallLimitsClusterCollection.Name)]
public sealed class UserPresenceGrainLimitTests(SmallLimitsCluster cluster)
{
    private readonly TestApp _app = cluster.NewApp();

    [Fact]
    public async Task Subscribe_EvictsSubscriptionWithLeastTimeLeft_WhenOverSubscriptionLimit()
    {
        var a = _app.User("a"); // at most 3 subscriptions
        await a.SubscribeAsync(["b"], 100);
        await a.SubscribeAsync(["c"], 300);
        await a.SubscribeAsync(["d"], 200);

        var result = await a.SubscribeAsync(["e"], 250);

        Assert.Equal(["e"], result.Subscribed.Select(s => s.Presence.Uid));
        Assert.Empty(result.Failed);
        Assert.Equal(["c", "d", "e"], (await a.GetSubscriptionsAsync(1, 10)).Items.Select(i => i.Uid));
        Assert.Empty(await _app.User("b").GetWatchersAsync());
        Assert.Equal(["c", "d", "e"], (await _app.RowsOfSubscriberAsync("a")).Keys.Order());
        Assert.Empty(await _app.RowsOfTargetAsync("b"));
        // b's reminder stays armed: due before any live expiry, it fires early and re-arms for d's.
        Assert.Equal(_app.NowSeconds + 100, await _app.ExpiryReminderDueAsync("a"));
    }

    [Fact]
    public async Task Subscribe_EvictsTheNewSubscription_WhenItHasLeastTimeLeft()
    {
        var a = _app.User("a");
        await a.SubscribeAsync(["b", "c", "d"], 300);

        var result = await a.SubscribeAsync(["e", "f"], 100);

        // Least time left goes, whichever call added it (Agora): both new ones lose, ties by uid.
        Assert.Empty(result.Subscribed);
        Assert.Empty(result.Failed);
        Assert.Equal(["b", "c", "d"], (await a.GetSubscriptionsAsync(1, 10)).Items.Select(i => i.Uid));
        Assert.Empty(await _app.User("e").GetWatchersAsync());
        Assert.Empty(await _app.User("f").GetWatchersAsync());
        Assert.Equal(["b", "c", "d"], (await _app.RowsOfSubscriberAsync("a")).Keys.Order());
    }

    [Fact]
    public async Task Subscribe_ListsTargetInFailed_WhenTargetHasTooManySubscribers()
    {
        await _app.User("u1").SubscribeAsync(["t"], 100); // at most 2 subscribers
        await _app.User("u2").SubscribeAsync(["t"], 100);

        var result = await _app.User("u3").SubscribeAsync(["t", "x"], 100);
        var renewal = await _app.User("u1").SubscribeAsync(["t"], 500);

        Assert.Equal(["t"], result.Failed);
        Assert.Equal(["x"], result.Subscribed.Select(s => s.Presence.Uid));
        Assert.Equal(["x"], (await _app.User("u3").GetSubscriptionsAsync(1, 10)).Items.Select(i => i.Uid));
        Assert.Equal(["x"], (await _app.RowsOfSubscriberAsync("u3")).Keys);
        Assert.Empty(renewal.Failed); // an existing watcher may always renew
        Assert.Equal(["u1", "u2"], (await _app.User("t").GetWatchersAsync()).Select(w => w.Uid));
    }

    [Fact]
    public async Task Eviction_TellsTheDevicesSubscriptionEndedEvicted_ThenSilence()
    {
        var watcher = await _app.ConnectAsync("w", "web_1");
        await _app.User("w").SubscribeAsync(["b"], 100);
        await _app.User("w").SubscribeAsync(["c", "d"], 300);

        await _app.User("w").SubscribeAsync(["e"], 200); // b has least time left
        // b has forgotten w before that call returned (the subscriber awaits the release), so nothing of this reaches w.
        await _app.User("b").SetStatusAsync("web", "1", "after");

        await Eventually.TrueAsync(() => watcher.SubscriptionsEnded.Count > 0, because: "w's device hears of the eviction");
        Assert.Equal([new TestDevice.Ended("b", SubscriptionEndReason.Evicted)], watcher.SubscriptionsEnded);
        Assert.Empty(watcher.EventsOf("b"));
        Assert.Empty(await _app.User("b").GetWatchersAsync());
    }

    [Fact]
    public async Task Ext_IsClearedAtOnce_WhenTheGracePeriodIsZero()
    {
        var device = await _app.ConnectAsync("a", "web_1"); // ExtGracePeriod = 0
        await _app.User("a").SetStatusAsync("web_1", "1", "listening");

        var offline = await device.DisconnectAsync(logout: true);

        Assert.Equal("", offline.Ext);
        Assert.Equal("", (await _app.StoredStateAsync("a")).State.Ext);
    }
}
