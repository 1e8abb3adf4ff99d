using Presence.Orleans.Testing;

namespace Presence.Orleans.Grains.Tests;

public sealed class UserPresenceGrainPersistenceTests
{
    [Fact]
    public async Task StateAndSubscriptions_SurviveReactivation_WhenSiloIsReplaced()
    {
        await using var first = await PresenceTestSilo.StartAsync();
        var loggedIn = await first.User("a").SetStatusAsync("ios_1", "1", "busy");
        var expiry = Assert.Single((await first.User("a").SubscribeAsync(["b"], 60)).Subscribed).Expiry;
        await first.User("b").SubscribeAsync(["a"], 120);
        await first.StopAsync();

        await using var second = await PresenceTestSilo.StartAsync(storageFrom: first);
        var presence = await second.User("a").GetPresenceAsync();
        var subscriptions = await second.User("a").GetSubscriptionsAsync(1, 10);
        var watchersOfB = await second.User("b").GetWatchersAsync();
        var watchersOfA = await second.User("a").GetWatchersAsync();

        Assert.Equal(loggedIn.Version, presence.Version);
        Assert.Equal(loggedIn.LastTime, presence.LastTime);
        Assert.Equal("busy", presence.Ext);
        Assert.Equal(loggedIn.Status, presence.Status);
        Assert.Equal([new SubscriptionEntry("b", expiry)], subscriptions.Items);
        Assert.Equal([new SubscriptionEntry("a", expiry)], watchersOfB);
        Assert.Equal(["b"], watchersOfA.Select(w => w.Uid));

        // The durable reminder outlived the first silo and still expires the subscription.
        second.Clock.Advance(TimeSpan.FromSeconds(61));
        await Eventually.TrueAsync(async () => (await second.RowsOfSubscriberAsync("a")).Count == 0, because: "the reminder fires on the new silo");
        Assert.Equal(["a"], (await second.RowsOfSubscriberAsync("b")).Keys);
    }

    [Fact]
    public async Task Version_KeepsGrowing_WhenUserChangesAfterReactivation()
    {
        await using var first = await PresenceTestSilo.StartAsync();
        await first.User("a").SetStatusAsync("ios_1", "1", "");
        await first.StopAsync();

        await using var second = await PresenceTestSilo.StartAsync(storageFrom: first);
        var changed = await second.User("a").SetStatusAsync("ios_1", "0", null);

        Assert.Equal(2, changed.Version);
    }
}
