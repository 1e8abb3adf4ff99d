namespace Presence.Orleans.Grains.Tests;

public sealed class UserPresenceGrainSubscriptionTests
{
    [Fact]
    public async Task Subscribe_ReturnsTargetPresenceAndAbsoluteExpiry_WhenTargetsAreListedTwice()
    {
        await using var silo = await PresenceTestSilo.StartAsync();
        await silo.User("b").SetStatusAsync("ios", "1", "hi");

        var result = await silo.User("a").SubscribeAsync(["B", "b", "c"], 100);

        var expiry = silo.NowSeconds + 100;
        Assert.Empty(result.Failed);
        Assert.Equal(["b", "c"], result.Subscribed.Select(s => s.Presence.Uid));
        Assert.All(result.Subscribed, s => Assert.Equal(expiry, s.Expiry));
        Assert.Equal("hi", result.Subscribed[0].Presence.Ext);
        Assert.Equal("1", result.Subscribed[0].Presence.Status["ios"]);
        Assert.Equal(PresenceStatusType.Unlogined, result.Subscribed[1].Presence.StatusType);
        Assert.Equal(new Dictionary<string, long> { ["b"] = expiry, ["c"] = expiry }, await silo.RowsOfSubscriberAsync("a"));
        Assert.Equal([new SubscriptionEntry("a", expiry)], await silo.User("b").GetWatchersAsync());
    }

    [Fact]
    public async Task Subscribe_Throws_WhenUserSubscribesToHimself()
    {
        await using var silo = await PresenceTestSilo.StartAsync();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => silo.User("a").SubscribeAsync(["b", "A"], 100));

        Assert.StartsWith("you can't sub yourself", error.Message, StringComparison.Ordinal);
        Assert.Empty(await silo.User("b").GetWatchersAsync());
    }

    [Fact]
    public async Task Subscribe_ReplacesExpiry_WhenSubscribingAgain()
    {
        await using var silo = await PresenceTestSilo.StartAsync();
        var a = silo.User("a");
        await a.SubscribeAsync(["b"], 1000);
        silo.Clock.Advance(TimeSpan.FromSeconds(10));

        var again = await a.SubscribeAsync(["b"], 50); // shorter: replaced, not extended

        var expiry = silo.NowSeconds + 50;
        Assert.Equal(expiry, Assert.Single(again.Subscribed).Expiry);
        var page = await a.GetSubscriptionsAsync(1, 10);
        Assert.Equal(1, page.Total);
        Assert.Equal([new SubscriptionEntry("b", expiry)], page.Items);
        Assert.Equal([new SubscriptionEntry("a", expiry)], await silo.User("b").GetWatchersAsync());
        Assert.Equal(new Dictionary<string, long> { ["b"] = expiry }, await silo.RowsOfSubscriberAsync("a"));
        Assert.Equal(expiry, (await silo.ExpiryReminderAsync("a"))!.NextDueAt.ToUnixTimeSeconds());
    }

    [Fact]
    public async Task GetSubscriptions_ListsLiveSubscriptionsOrderedByUid_WithPagingAndTotal()
    {
        await using var silo = await PresenceTestSilo.StartAsync();
        var a = silo.User("a");
        await a.SubscribeAsync(["e", "c"], 100);
        await a.SubscribeAsync(["a1", "d", "b"], 200);

        var page1 = await a.GetSubscriptionsAsync(1, 2);
        var page2 = await a.GetSubscriptionsAsync(2, 2);
        var page3 = await a.GetSubscriptionsAsync(3, 2);
        var page4 = await a.GetSubscriptionsAsync(4, 2);

        Assert.Equal(5, page1.Total);
        Assert.Equal(["a1", "b"], page1.Items.Select(i => i.Uid));
        Assert.Equal(["c", "d"], page2.Items.Select(i => i.Uid));
        Assert.Equal(["e"], page3.Items.Select(i => i.Uid));
        Assert.Empty(page4.Items);
        Assert.Equal(5, page4.Total);
        Assert.Equal(silo.NowSeconds + 100, page2.Items[0].Expiry);
        Assert.Equal(silo.NowSeconds + 200, page2.Items[1].Expiry);
    }

    [Fact]
    public async Task Subscribe_EvictsSubscriptionWithLeastTimeLeft_WhenOverSubscriptionLimit()
    {
        await using var silo = await PresenceTestSilo.StartAsync(limits: l => l.MaxSubscriptionsPerUser = 3);
        var a = silo.User("a");
        await a.SubscribeAsync(["b"], 100);
        await a.SubscribeAsync(["c"], 300);
        await a.SubscribeAsync(["d"], 200);

        var result = await a.SubscribeAsync(["e"], 250);

        Assert.Equal(["e"], result.Subscribed.Select(s => s.Presence.Uid));
        Assert.Empty(result.Failed);
        Assert.Equal(["c", "d", "e"], (await a.GetSubscriptionsAsync(1, 10)).Items.Select(i => i.Uid));
        Assert.Empty(await silo.User("b").GetWatchersAsync());
        Assert.Equal(["c", "d", "e"], (await silo.RowsOfSubscriberAsync("a")).Keys.Order());
        Assert.Empty(await silo.RowsOfTargetAsync("b"));
        Assert.Equal(silo.NowSeconds + 200, (await silo.ExpiryReminderAsync("a"))!.NextDueAt.ToUnixTimeSeconds());
    }

    [Fact]
    public async Task Subscribe_EvictsTheNewSubscription_WhenItHasLeastTimeLeft()
    {
        await using var silo = await PresenceTestSilo.StartAsync(limits: l => l.MaxSubscriptionsPerUser = 3);
        var a = silo.User("a");
        await a.SubscribeAsync(["b", "c", "d"], 300);

        var result = await a.SubscribeAsync(["e", "f"], 100);

        // Least time left goes, whichever call added it (Agora): both new ones lose, ties by uid.
        Assert.Empty(result.Subscribed);
        Assert.Empty(result.Failed);
        Assert.Equal(["b", "c", "d"], (await a.GetSubscriptionsAsync(1, 10)).Items.Select(i => i.Uid));
        Assert.Empty(await silo.User("e").GetWatchersAsync());
        Assert.Empty(await silo.User("f").GetWatchersAsync());
        Assert.Equal(["b", "c", "d"], (await silo.RowsOfSubscriberAsync("a")).Keys.Order());
    }

    [Fact]
    public async Task Subscribe_ListsTargetInFailed_WhenTargetHasTooManySubscribers()
    {
        await using var silo = await PresenceTestSilo.StartAsync(limits: l => l.MaxSubscribersPerUser = 2);
        await silo.User("u1").SubscribeAsync(["t"], 100);
        await silo.User("u2").SubscribeAsync(["t"], 100);

        var result = await silo.User("u3").SubscribeAsync(["t", "x"], 100);
        var renewal = await silo.User("u1").SubscribeAsync(["t"], 500);

        Assert.Equal(["t"], result.Failed);
        Assert.Equal(["x"], result.Subscribed.Select(s => s.Presence.Uid));
        Assert.Equal(["x"], (await silo.User("u3").GetSubscriptionsAsync(1, 10)).Items.Select(i => i.Uid));
        Assert.Equal(["x"], (await silo.RowsOfSubscriberAsync("u3")).Keys);
        Assert.Empty(renewal.Failed); // an existing watcher may always renew
        Assert.Equal(["u1", "u2"], (await silo.User("t").GetWatchersAsync()).Select(w => w.Uid));
    }

    [Fact]
    public async Task Subscribe_AdmitsWatcher_WhenTargetIsFullOnlyOfExpiredWatchers()
    {
        await using var silo = await PresenceTestSilo.StartAsync(
            limits: l => l.MaxSubscribersPerUser = 2,
            runtime: r => r.ReminderPollPeriod = TimeSpan.FromDays(1));
        await silo.User("u1").SubscribeAsync(["t"], 10);
        await silo.User("u2").SubscribeAsync(["t"], 100);
        silo.Clock.Advance(TimeSpan.FromSeconds(10));

        var result = await silo.User("u3").SubscribeAsync(["t"], 100);

        Assert.Empty(result.Failed);
        Assert.Equal(["u2", "u3"], (await silo.User("t").GetWatchersAsync()).Select(w => w.Uid));
    }

    [Fact]
    public async Task Unsubscribe_RemovesListedSubscriptionsFromBothEnds_WhenSomeNamesAreUnknown()
    {
        await using var silo = await PresenceTestSilo.StartAsync();
        var a = silo.User("a");
        await a.SubscribeAsync(["b", "c", "d"], 100);

        await a.UnsubscribeAsync(["C", "nobody"]);

        Assert.Equal(["b", "d"], (await a.GetSubscriptionsAsync(1, 10)).Items.Select(i => i.Uid));
        Assert.Empty(await silo.User("c").GetWatchersAsync());
        Assert.Equal(["a"], (await silo.User("b").GetWatchersAsync()).Select(w => w.Uid));
        Assert.Equal(["b", "d"], (await silo.RowsOfSubscriberAsync("a")).Keys.Order());
        Assert.Empty(await silo.RowsOfTargetAsync("c"));
    }

    [Fact]
    public async Task Unsubscribe_RemovesAllSubscriptionsFromBothEnds_WhenListIsEmpty()
    {
        await using var silo = await PresenceTestSilo.StartAsync();
        var a = silo.User("a");
        await a.SubscribeAsync(["b", "c"], 100);
        await silo.User("x").SubscribeAsync(["b"], 100);

        await a.UnsubscribeAsync([]);

        var page = await a.GetSubscriptionsAsync(1, 10);
        Assert.Equal(0, page.Total);
        Assert.Empty(page.Items);
        Assert.Equal(["x"], (await silo.User("b").GetWatchersAsync()).Select(w => w.Uid));
        Assert.Empty(await silo.User("c").GetWatchersAsync());
        Assert.Empty(await silo.RowsOfSubscriberAsync("a"));
        Assert.Null(await silo.ExpiryReminderAsync("a"));
    }
}
