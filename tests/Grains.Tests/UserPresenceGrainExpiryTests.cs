namespace Presence.Orleans.Grains.Tests;

[Collection(DefaultClusterCollection.Name)]
public sealed class UserPresenceGrainExpiryTests(DefaultCluster cluster)
{
    private const string Expiry = UserPresenceGrain.ExpiryReminderName;

    private readonly TestApp _app = cluster.NewApp();

    [Fact]
    public async Task ExpiryReminder_DeletesRowsAndRearmsForTheNextExpiry_WhenNobodyReadsAgain()
    {
        var a = _app.User("a"); // no device: no precise timer, only the reminder
        var start = _app.NowSeconds;
        await a.SubscribeAsync(["b"], 10);
        await a.SubscribeAsync(["c"], 20);
        Assert.Equal(start + 10, await _app.ExpiryReminderDueAsync("a"));

        var ticks = _app.ReminderTicks("a", Expiry);
        await _app.WaitUntilReminderArmedAsync("a", Expiry);
        _app.Clock.Advance(TimeSpan.FromSeconds(11));
        await _app.WaitForReminderTicksAsync("a", Expiry, ticks + 1);
        await Eventually.TrueAsync(
            async () => (await _app.RowsOfSubscriberAsync("a")).Keys.SequenceEqual(["c"])
                && await _app.ExpiryReminderDueAsync("a") == start + 20,
            because: "the first expiry deletes b's row and re-arms the reminder for c");
        Assert.Empty(await _app.RowsOfTargetAsync("b"));

        await _app.WaitUntilReminderArmedAsync("a", Expiry);
        _app.Clock.Advance(TimeSpan.FromSeconds(10));
        await Eventually.TrueAsync(
            async () => (await _app.RowsOfSubscriberAsync("a")).Count == 0 && await _app.ReminderAsync("a", Expiry) is null,
            because: "the second expiry deletes c's row and leaves no reminder");
        Assert.Empty(await _app.RowsOfTargetAsync("c"));
    }

    /// <summary>
    /// A renewal moves an expiry later and leaves the armed reminder alone (no reminder write per renewal): it fires
    /// at the old time, ends nothing that is still live, and re-arms for the renewed expiry, which then ends on time.
    /// </summary>
    [Fact]
    public async Task RenewedSubscription_KeepsTheEarlierReminder_WhichFiresEarlyEndsNothingAndRearms()
    {
        var a = _app.User("a");
        var start = _app.NowSeconds;
        await a.SubscribeAsync(["b"], 10);
        await a.SubscribeAsync(["b"], 30);
        Assert.Equal(start + 10, await _app.ExpiryReminderDueAsync("a"));

        var ticks = _app.ReminderTicks("a", Expiry);
        await _app.WaitUntilReminderArmedAsync("a", Expiry);
        _app.Clock.Advance(TimeSpan.FromSeconds(11));
        await _app.WaitForReminderTicksAsync("a", Expiry, ticks + 1);
        await Eventually.TrueAsync(async () => await _app.ExpiryReminderDueAsync("a") == start + 30,
            because: "the early tick re-arms the reminder for the renewed expiry");
        Assert.Equal(["b"], (await _app.RowsOfSubscriberAsync("a")).Keys);
        Assert.Equal(["b"], (await a.GetSubscriptionsAsync(1, 10)).Items.Select(i => i.Uid));

        await _app.WaitUntilReminderArmedAsync("a", Expiry);
        _app.Clock.Advance(TimeSpan.FromSeconds(20));
        await Eventually.TrueAsync(
            async () => (await _app.RowsOfSubscriberAsync("a")).Count == 0 && await _app.ReminderAsync("a", Expiry) is null,
            because: "the renewed expiry deletes b's row and leaves no reminder");
        Assert.Empty(await _app.RowsOfTargetAsync("b"));
    }
}
