namespace Presence.Grains.Tests;

[Collection(DefaultClusterCollection.Name)]
public sealed class UserPresenceGrainSubscriptionTests(DefaultCluster cluster)
{
    private readonly TestApp _app = cluster.NewApp();

    [Fact]
    public async Task Subscribe_ReturnsTargetPresenceAndAbsoluteExpiry_WhenTargetsAreListedTwice()
    {
        await _app.User("b").SetStatusAsync("ios", "1", "hi");

        var result = await _app.User("a").SubscribeAsync(["B", "b", "c"], 100);

        var expiry = _app.NowSeconds + 100;
        Assert.Empty(result.Failed);
        Assert.Equal(["b", "c"], result.Subscribed.Select(s => s.Presence.Uid));
        Assert.All(result.Subscribed, s => Assert.Equal(expiry, s.Expiry));
        Assert.Equal("hi", result.Subscribed[0].Presence.Ext);
        Assert.Equal("1", result.Subscribed[0].Presence.Status["ios"]);
        Assert.Equal(PresenceStatusType.Unlogined, result.Subscribed[1].Presence.StatusType);
        Assert.Equal(new Dictionary<string, long> { ["b"] = expiry, ["c"] = expiry }, await _app.RowsOfSubscriberAsync("a"));
        Assert.Equal([new SubscriptionEntry("a", expiry)], await _app.User("b").GetWatchersAsync());
    }

    [Fact]
    public async Task Subscribe_Throws_WhenUserSubscribesToHimself()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => _app.User("a").SubscribeAsync(["b", "A"], 100));

        Assert.StartsWith("you can't sub yourself", error.Message, StringComparison.Ordinal);
        Assert.Empty(await _app.User("b").GetWatchersAsync());
    }

    [Fact]
    public async Task Subscribe_ReplacesExpiry_WhenSubscribingAgain()
    {
        var a = _app.User("a");
        await a.SubscribeAsync(["b"], 1000);
        _app.Clock.Advance(TimeSpan.FromSeconds(10));

        var again = await a.SubscribeAsync(["b"], 50); // shorter: replaced, not extended

        var expiry = _app.NowSeconds + 50;
        Assert.Equal(expiry, Assert.Single(again.Subscribed).Expiry);
        var page = await a.GetSubscriptionsAsync(1, 10);
        Assert.Equal(1, page.Total);
        Assert.Equal([new SubscriptionEntry("b", expiry)], page.Items);
        Assert.Equal([new SubscriptionEntry("a", expiry)], await _app.User("b").GetWatchersAsync());
        Assert.Equal(new Dictionary<string, long> { ["b"] = expiry }, await _app.RowsOfSubscriberAsync("a"));
        Assert.Equal(expiry, await _app.ExpiryReminderDueAsync("a"));
    }

    [Fact]
    public async Task Subscribe_AnswersTheTargetsPresenceAsItIsNow_WhenItChangedSinceTheLastSubscribe()
    {
        var b = _app.User("b");
        await b.SetStatusAsync("ios", "1", "first");
        await _app.User("a").SubscribeAsync(["b"], 100);
        await _app.User("c").SubscribeAsync(["b"], 100);
        await b.SetStatusAsync("ios", "2", "second");

        var again = await _app.User("a").SubscribeAsync(["b"], 100);
        var other = await _app.User("c").SubscribeAsync(["b"], 100);

        foreach (var presence in new[] { Assert.Single(again.Subscribed).Presence, Assert.Single(other.Subscribed).Presence })
        {
            Assert.Equal("second", presence.Ext);
            Assert.Equal("2", presence.Status["ios"]);
        }
    }

    [Fact]
    public async Task GetSubscriptions_ListsLiveSubscriptionsOrderedByUid_WithPagingAndTotal()
    {
        var a = _app.User("a");
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
        Assert.Equal(_app.NowSeconds + 100, page2.Items[0].Expiry);
        Assert.Equal(_app.NowSeconds + 200, page2.Items[1].Expiry);
    }

    [Fact]
    public async Task Unsubscribe_RemovesListedSubscriptionsFromBothEnds_WhenSomeNamesAreUnknown()
    {
        var a = _app.User("a");
        await a.SubscribeAsync(["b", "c", "d"], 100);

        await a.UnsubscribeAsync(["C", "nobody"]);

        Assert.Equal(["b", "d"], (await a.GetSubscriptionsAsync(1, 10)).Items.Select(i => i.Uid));
        Assert.Empty(await _app.User("c").GetWatchersAsync());
        Assert.Equal(["a"], (await _app.User("b").GetWatchersAsync()).Select(w => w.Uid));
        Assert.Equal(["b", "d"], (await _app.RowsOfSubscriberAsync("a")).Keys.Order());
        Assert.Empty(await _app.RowsOfTargetAsync("c"));
    }

    [Fact]
    public async Task Unsubscribe_RemovesAllSubscriptionsFromBothEnds_WhenListIsEmpty()
    {
        var a = _app.User("a");
        await a.SubscribeAsync(["b", "c"], 100);
        await _app.User("x").SubscribeAsync(["b"], 100);

        await a.UnsubscribeAsync([]);

        var page = await a.GetSubscriptionsAsync(1, 10);
        Assert.Equal(0, page.Total);
        Assert.Empty(page.Items);
        Assert.Equal(["x"], (await _app.User("b").GetWatchersAsync()).Select(w => w.Uid));
        Assert.Empty(await _app.User("c").GetWatchersAsync());
        Assert.Empty(await _app.RowsOfSubscriberAsync("a"));
        Assert.Null(await _app.ReminderAsync("a", GrainWakeUps.ReminderName));
    }
}
