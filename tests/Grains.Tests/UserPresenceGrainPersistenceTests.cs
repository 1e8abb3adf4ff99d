using Microsoft.Extensions.DependencyInjection;

namespace Presence.Grains.Tests;

/// <summary>
/// What a fresh activation finds. An activation ends when its silo stops or dies, or when Orleans collects it; here the
/// cluster ends it, which leaves storage, rows and reminders as a silo's end would (with memory storage, stopping a
/// silo would also drop the storage and reminder grains it hosts, so the durable cases are in Silo.Tests, on PostgreSQL).
/// </summary>
[Collection(DefaultClusterCollection.Name)]
public sealed class UserPresenceGrainPersistenceTests(DefaultCluster cluster)
{
    private readonly TestApp _app = cluster.NewApp();

    [Fact]
    public void GrainState_CallsItsStorageOnTheGrainsTurn()
    {
        var factory = cluster.SiloServices.GetRequiredService<IPersistentStateFactory>();

        Assert.IsType<InlinePersistentStateFactory>(factory);
    }

    [Fact]
    public async Task StateAndSubscriptions_SurviveReactivation_WhenTheUsersAreActivatedAgain()
    {
        var loggedIn = await _app.User("a").SetStatusAsync("ios_1", "1", "busy");
        var expiry = Assert.Single((await _app.User("a").SubscribeAsync(["b"], 60)).Subscribed).Expiry;
        await _app.User("b").SubscribeAsync(["a"], 120);
        await _app.DeactivateAsync("a", "b");

        var presence = await _app.User("a").GetPresenceAsync();
        var subscriptions = await _app.User("a").GetSubscriptionsAsync(1, 10);
        var watchersOfB = await _app.User("b").GetWatchersAsync();
        var watchersOfA = await _app.User("a").GetWatchersAsync();

        Assert.Equal(loggedIn.Version, presence.Version);
        Assert.Equal(loggedIn.LastTime, presence.LastTime);
        Assert.Equal("busy", presence.Ext);
        Assert.Equal(loggedIn.Status, presence.Status);
        Assert.Equal([new SubscriptionEntry("b", expiry)], subscriptions.Items);
        Assert.Equal([new SubscriptionEntry("a", expiry)], watchersOfB);
        Assert.Equal(["b"], watchersOfA.Select(w => w.Uid));

        // The durable reminder outlives the activations: it wakes a, which expires the subscription.
        await _app.DeactivateAsync("a");
        var ticks = _app.ReminderTicks("a", GrainWakeUps.ReminderName);
        await _app.WaitUntilReminderArmedAsync("a", GrainWakeUps.ReminderName);
        _app.Clock.Advance(TimeSpan.FromSeconds(61));
        await _app.WaitForReminderTicksAsync("a", GrainWakeUps.ReminderName, ticks + 1);
        await Eventually.TrueAsync(async () => (await _app.RowsOfSubscriberAsync("a")).Count == 0, because: "the reminder expires a's subscription");
        Assert.Equal(["a"], (await _app.RowsOfSubscriberAsync("b")).Keys);
    }

    [Fact]
    public async Task Version_KeepsGrowing_WhenUserChangesAfterReactivation()
    {
        await _app.User("a").SetStatusAsync("ios_1", "1", "");
        await _app.DeactivateAsync("a");

        var changed = await _app.User("a").SetStatusAsync("ios_1", "0", null);

        Assert.Equal(2, changed.Version);
    }
}
