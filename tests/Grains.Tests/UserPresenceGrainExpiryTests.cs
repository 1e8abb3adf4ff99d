namespace Presence.Grains.Tests;

[Collection(DefaultClusterCollection.Name)]
public sealed class UserPresenceGrainExpiryTests(DefaultCluster cluster)
{
    private const string Expiry = GrainWakeUps.ReminderName;

    private readonly TestApp _app = cluster.NewApp();

    [Fact]
    public async Task ExpiryReminder_DeletesRowsAndRearmsForTheNextExpiry_WhenNobodyReadsAgain()
    {
        var a = _app.User("a"); // no device: no precise timer, only the reminder
        var start = _app.NowSeconds;
        await a.SubscribeAsync(["b"], 10);
        await a.SubscribeAsync(["c"], 20);
        Assert.Equal(start + 10, await _app.ExpiryReminderDueAsync("a"));

        await TickExpiryReminderAsync("a", TimeSpan.FromSeconds(11));
        await Eventually.TrueAsync(
            async () => (await _app.RowsOfSubscriberAsync("a")).Keys.SequenceEqual(["c"])
                && await _app.ExpiryReminderDueAsync("a") == start + 20,
            because: "the first expiry deletes b's row and re-arms the reminder for c");
        Assert.Empty(await _app.RowsOfTargetAsync("b"));

        await ExpireTheLastAsync("a", "c", TimeSpan.FromSeconds(10));
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

        await TickExpiryReminderAsync("a", TimeSpan.FromSeconds(11));
        await Eventually.TrueAsync(async () => await _app.ExpiryReminderDueAsync("a") == start + 30,
            because: "the early tick re-arms the reminder for the renewed expiry");
        Assert.Equal(["b"], (await _app.RowsOfSubscriberAsync("a")).Keys);
        Assert.Equal(["b"], (await a.GetSubscriptionsAsync(1, 10)).Items.Select(i => i.Uid));

        await ExpireTheLastAsync("a", "b", TimeSpan.FromSeconds(20));
    }

    /// <summary>Once the user's expiry reminder waits for its tick, moves the clock by <paramref name="by"/> and waits for the tick.</summary>
    private async Task TickExpiryReminderAsync(string username, TimeSpan by)
    {
        var ticks = _app.ReminderTicks(username, Expiry);
        await _app.WaitUntilReminderArmedAsync(username, Expiry);
        _app.Clock.Advance(by);
        await _app.WaitForReminderTicksAsync(username, Expiry, ticks + 1);
    }

    /// <summary>Moves the clock past the user's last subscription, to <paramref name="target"/>: its rows go, and the reminder with them.</summary>
    private async Task ExpireTheLastAsync(string username, string target, TimeSpan by)
    {
        await _app.WaitUntilReminderArmedAsync(username, Expiry);
        _app.Clock.Advance(by);
        await Eventually.TrueAsync(
            async () => (await _app.RowsOfSubscriberAsync(username)).Count == 0 && await _app.ReminderAsync(username, Expiry) is null,
            because: $"the expiry of {username}'s last subscription deletes {target}'s row and leaves no reminder");
        Assert.Empty(await _app.RowsOfTargetAsync(target));
    }
}
