namespace Presence.Grains.Tests;

/// <summary>
/// What the grains' time filters do on their own: on the <see cref="SmallLimitsCluster"/> reminders never fire, so no
/// expired subscription is cleaned up behind the test's back.
/// </summary>
[Collection(SmallLimitsClusterCollection.Name)]
public sealed class UserPresenceGrainTimeFilterTests(SmallLimitsCluster cluster)
{
    private readonly TestApp _app = cluster.NewApp();

    [Fact]
    public async Task Subscription_DisappearsAtItsExpirySecond_WhenReminderHasNotFiredYet()
    {
        var a = _app.User("a");
        var expiry = Assert.Single((await a.SubscribeAsync(["b"], 60)).Subscribed).Expiry;

        _app.Clock.Advance(TimeSpan.FromSeconds(59));
        var before = await a.GetSubscriptionsAsync(1, 10);
        var watchersBefore = await _app.User("b").GetWatchersAsync();
        _app.Clock.Advance(TimeSpan.FromSeconds(1));
        var at = await a.GetSubscriptionsAsync(1, 10);
        var watchersAt = await _app.User("b").GetWatchersAsync();

        Assert.Equal(expiry, _app.NowSeconds);
        Assert.Equal([new SubscriptionEntry("b", expiry)], before.Items);
        Assert.Equal([new SubscriptionEntry("a", expiry)], watchersBefore);
        Assert.Equal(0, at.Total);
        Assert.Empty(at.Items);
        Assert.Empty(watchersAt);
        Assert.Equal(["b"], (await _app.RowsOfSubscriberAsync("a")).Keys); // still stored: nothing deleted it yet
    }

    [Fact]
    public async Task Subscribe_AdmitsWatcher_WhenTargetIsFullOnlyOfExpiredWatchers()
    {
        await _app.User("u1").SubscribeAsync(["t"], 10); // at most 2 subscribers
        await _app.User("u2").SubscribeAsync(["t"], 100);
        _app.Clock.Advance(TimeSpan.FromSeconds(10));

        var result = await _app.User("u3").SubscribeAsync(["t"], 100);

        Assert.Empty(result.Failed);
        Assert.Equal(["u2", "u3"], (await _app.User("t").GetWatchersAsync()).Select(w => w.Uid));
    }
}
