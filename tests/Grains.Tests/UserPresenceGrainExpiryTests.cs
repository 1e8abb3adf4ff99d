using Presence.Orleans.Testing;

namespace Presence.Orleans.Grains.Tests;

public sealed class UserPresenceGrainExpiryTests
{
    [Fact]
    public async Task Subscription_DisappearsAtItsExpirySecond_WhenReminderHasNotFiredYet()
    {
        // The reminder service never polls here: only the time filter can hide the subscription.
        await using var silo = await PresenceTestSilo.StartAsync(runtime: r => r.ReminderPollPeriod = TimeSpan.FromDays(1));
        var a = silo.User("a");
        var expiry = Assert.Single((await a.SubscribeAsync(["b"], 60)).Subscribed).Expiry;

        silo.Clock.Advance(TimeSpan.FromSeconds(59));
        var before = await a.GetSubscriptionsAsync(1, 10);
        var watchersBefore = await silo.User("b").GetWatchersAsync();
        silo.Clock.Advance(TimeSpan.FromSeconds(1));
        var at = await a.GetSubscriptionsAsync(1, 10);
        var watchersAt = await silo.User("b").GetWatchersAsync();

        Assert.Equal(expiry, silo.NowSeconds);
        Assert.Equal([new SubscriptionEntry("b", expiry)], before.Items);
        Assert.Equal([new SubscriptionEntry("a", expiry)], watchersBefore);
        Assert.Equal(0, at.Total);
        Assert.Empty(at.Items);
        Assert.Empty(watchersAt);
        Assert.Equal(["b"], (await silo.RowsOfSubscriberAsync("a")).Keys); // still stored: nothing deleted it yet
    }

    [Fact]
    public async Task ExpiryReminder_DeletesRowsAndRearmsForTheNextExpiry_WhenNobodyReadsAgain()
    {
        await using var silo = await PresenceTestSilo.StartAsync();
        var a = silo.User("a");
        var start = silo.NowSeconds;
        await a.SubscribeAsync(["b"], 10);
        await a.SubscribeAsync(["c"], 20);
        Assert.Equal(start + 10, (await silo.ExpiryReminderAsync("a"))!.NextDueAt.ToUnixTimeSeconds());

        silo.Clock.Advance(TimeSpan.FromSeconds(11));
        await Eventually.TrueAsync(
            async () => (await silo.RowsOfSubscriberAsync("a")).Keys.SequenceEqual(["c"])
                && (await silo.ExpiryReminderAsync("a"))?.NextDueAt.ToUnixTimeSeconds() == start + 20,
            because: "the first expiry deletes b's row and re-arms the reminder for c");
        Assert.Empty(await silo.RowsOfTargetAsync("b"));

        silo.Clock.Advance(TimeSpan.FromSeconds(10));
        await Eventually.TrueAsync(
            async () => (await silo.RowsOfSubscriberAsync("a")).Count == 0 && await silo.ExpiryReminderAsync("a") is null,
            because: "the second expiry deletes c's row and leaves no reminder");
        Assert.Empty(await silo.RowsOfTargetAsync("c"));
    }
}
