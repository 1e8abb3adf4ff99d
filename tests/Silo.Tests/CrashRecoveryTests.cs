namespace Presence.Silo.Tests;

/// <summary>
/// Issue 4's "done when": with PostgreSQL storage, killing the silo with SIGKILL right after an acknowledged call
/// and starting it again shows that call's effect. Nothing is read between the acknowledgement and the kill.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class CrashRecoveryTests(PostgresFixture fixture, ITestOutputHelper output) : SiloTestBase(fixture, output)
{
    private const int Hour = 3600;

    /// <summary>Expiry of the subscriptions whose reminder must fire on a restarted silo: the restart takes 2–5 s here.</summary>
    private const int ShortExpirySeconds = 12;

    /// <summary>A target that admits one watcher makes the target's side of a subscription visible through R2.</summary>
    private static readonly Dictionary<string, string> OneWatcherPerUser = new() { ["Presence:Limits:MaxSubscribersPerUser"] = "1" };

    [Fact]
    public async Task SetPresence_StatusExtAndLastTimeSurvive_WhenTheSiloIsKilledAfterEachCall()
    {
        var silo = await StartSiloAsync(await NewDatabaseAsync());

        // Login of "web" with an ext.
        var before = Now();
        await silo.Client.SetPresenceAsync("alice", "web", "1", "hello");
        var after = Now();
        silo = await KillAndRestartAsync(silo);

        var presence = await silo.Client.GetPresenceAsync("alice");
        Assert.Equal(new SortedDictionary<string, string> { ["web"] = "1" }, presence.SortedStatus);
        Assert.Equal("hello", presence.Ext);
        Assert.InRange(presence.LastTime, before, after);

        // A second device logs in with a custom status (absent counts as offline, so last_time moves) and a new ext.
        before = Now();
        await silo.Client.SetPresenceAsync("alice", "android_123", "busy", "in a meeting");
        after = Now();
        silo = await KillAndRestartAsync(silo);

        presence = await silo.Client.GetPresenceAsync("alice");
        Assert.Equal(new SortedDictionary<string, string> { ["android_123"] = "busy", ["web"] = "1" }, presence.SortedStatus);
        Assert.Equal("in a meeting", presence.Ext);
        Assert.InRange(presence.LastTime, before, after);

        // Logout of "web" (kept as "0") with ext cleared: last_time moves.
        before = Now();
        await silo.Client.SetPresenceAsync("alice", "web", "0", "");
        after = Now();
        silo = await KillAndRestartAsync(silo);

        presence = await silo.Client.GetPresenceAsync("alice");
        Assert.Equal(new SortedDictionary<string, string> { ["android_123"] = "busy", ["web"] = "0" }, presence.SortedStatus);
        Assert.Equal("", presence.Ext);
        Assert.InRange(presence.LastTime, before, after);
    }

    [Fact]
    public async Task Subscribe_BothSidesSurvive_WhenTheSiloIsKilledAfterTheCall()
    {
        var database = await NewDatabaseAsync();
        var silo = await StartSiloAsync(database, OneWatcherPerUser);

        var (subscribed, failed) = await silo.Client.SubscribeAsync("alice", Hour, "bob");
        Assert.Empty(failed);
        var expiry = Assert.Single(subscribed, p => p.Key == "bob").Value;
        silo = await KillAndRestartAsync(silo);

        // Subscriber's side: R5 lists it with the expiry R2 answered.
        Assert.Equal([("bob", expiry)], await silo.Client.GetSubscriptionsAsync("alice"));
        Assert.Equal(new Dictionary<string, long> { ["bob"] = expiry }, await database.SubscriptionRowsOfAsync("alice"));
        // Target's side: bob's watcher set is loaded from the rows on activation, so alice fills his one place.
        var third = await silo.Client.SubscribeAsync("carol", Hour, "bob");
        Assert.Empty(third.Subscribed);
        Assert.Equal(["bob"], third.Failed);
        // ... and alice, already a watcher, may renew.
        var renewed = await silo.Client.SubscribeAsync("alice", 2 * Hour, "bob");
        Assert.Empty(renewed.Failed);
        var renewedExpiry = Assert.Single(renewed.Subscribed).Value;
        Assert.True(renewedExpiry > expiry, $"renewed expiry {renewedExpiry} is not after {expiry}");
        silo = await KillAndRestartAsync(silo);

        Assert.Equal([("bob", renewedExpiry)], await silo.Client.GetSubscriptionsAsync("alice"));
        Assert.Equal(["bob"], (await silo.Client.SubscribeAsync("carol", Hour, "bob")).Failed);
        Assert.Empty(await silo.Client.GetSubscriptionsAsync("carol"));
    }

    [Fact]
    public async Task Unsubscribe_RemovedSubscriptionStaysGone_WhenTheSiloIsKilledAfterTheCall()
    {
        var database = await NewDatabaseAsync();
        var silo = await StartSiloAsync(database, OneWatcherPerUser);
        var (subscribed, _) = await silo.Client.SubscribeAsync("alice", Hour, "bob", "carol");
        Assert.Equal(2, subscribed.Count);

        await silo.Client.UnsubscribeAsync("alice", "bob");
        silo = await KillAndRestartAsync(silo);

        Assert.Equal([("carol", subscribed["carol"])], await silo.Client.GetSubscriptionsAsync("alice"));
        Assert.Equal(["carol"], (await database.SubscriptionRowsOfAsync("alice")).Keys);
        // Bob's one place is free again after the restart: alice is no longer among his stored watchers.
        var dave = await silo.Client.SubscribeAsync("dave", Hour, "bob");
        Assert.Empty(dave.Failed);
        Assert.Equal(["bob"], dave.Subscribed.Keys);
        // Carol's place is still taken by alice.
        Assert.Equal(["carol"], (await silo.Client.SubscribeAsync("dave", Hour, "carol")).Failed);
    }

    [Fact]
    public async Task UnsubscribeAll_EverySubscriptionAndTheReminderStayGone_WhenTheSiloIsKilledAfterTheCall()
    {
        var database = await NewDatabaseAsync();
        var silo = await StartSiloAsync(database, OneWatcherPerUser);
        await silo.Client.SubscribeAsync("alice", Hour, "bob", "carol");
        Assert.Single(await database.RemindersOfAsync("alice"));

        // An empty list removes all (Tencent semantics).
        await silo.Client.UnsubscribeAsync("alice");
        silo = await KillAndRestartAsync(silo);

        Assert.Empty(await silo.Client.GetSubscriptionsAsync("alice"));
        Assert.Empty(await database.SubscriptionRowsOfAsync("alice"));
        Assert.Empty(await database.RemindersOfAsync("alice"));
        // Both targets admit a new watcher: alice is gone from their stored watchers too.
        var dave = await silo.Client.SubscribeAsync("dave", Hour, "bob", "carol");
        Assert.Empty(dave.Failed);
        Assert.Equal(2, dave.Subscribed.Count);
    }

    /// <summary>
    /// The expiry reminders are durable: a silo started after the crash loads them from Orleans' reminder table and
    /// deletes the rows at the expiry although nobody reads alice or carol (no activation re-arms anything).
    /// </summary>
    [Fact]
    public async Task ExpiryReminder_DeletesTheExpiredRowsOnTheRestartedSilo_WhenNobodyReadsTheSubscribers()
    {
        var database = await NewDatabaseAsync();
        var silo = await StartSiloAsync(database);

        // Long enough for the restart to finish first (a start takes 2–5 s here), so the new silo arms the reminder.
        var expiresAt = Assert.Single((await silo.Client.SubscribeAsync("alice", ShortExpirySeconds, "bob")).Subscribed).Value;
        var daveExpiry = Assert.Single((await silo.Client.SubscribeAsync("alice", Hour, "dave")).Subscribed).Value;
        var carolExpiry = Assert.Single((await silo.Client.SubscribeAsync("carol", ShortExpirySeconds, "bob")).Subscribed).Value;
        Assert.Equal(new Dictionary<string, long> { [PresenceDatabase.WakeUpReminder] = expiresAt }, await database.RemindersOfAsync("alice"));
        silo = await KillAndRestartAsync(silo);
        var restartedAt = Now();

        await Eventually.TrueAsync(
            async () => (await database.SubscriptionRowsToAsync("bob")).Count == 0,
            ReminderTiming.BoundFor(Math.Max(expiresAt, carolExpiry)),
            "the expiry reminders to delete the expired rows");
        Output.WriteLine($"silo ready {Math.Max(expiresAt, carolExpiry) - restartedAt} s before the expiry; rows deleted {Now() - Math.Max(expiresAt, carolExpiry)} s after it");
        Assert.Equal(new Dictionary<string, long> { ["dave"] = daveExpiry }, await database.SubscriptionRowsOfAsync("alice"));
        // Carol has nothing left, so her one-shot reminder is gone; alice's now waits for dave's expiry.
        await Eventually.TrueAsync(async () => (await database.RemindersOfAsync("carol")).Count == 0, because: "carol's reminder to be removed");
        await Eventually.TrueAsync(
            async () => (await database.RemindersOfAsync("alice")).Values.SequenceEqual([daveExpiry]),
            because: "alice's reminder to move to dave's expiry");
        Assert.Equal([("dave", daveExpiry)], await silo.Client.GetSubscriptionsAsync("alice"));
        Assert.Empty(await silo.Client.GetSubscriptionsAsync("carol"));
    }

    /// <summary>A subscription that expired while no silo ran is absent from R5, and frees its place, at once after a restart.</summary>
    [Fact]
    public async Task ExpiredSubscription_IsAbsentAndItsPlaceFree_WhenItExpiredWhileTheSiloWasDown()
    {
        var database = await NewDatabaseAsync();
        var silo = await StartSiloAsync(database, OneWatcherPerUser);
        var expiresAt = Assert.Single((await silo.Client.SubscribeAsync("alice", 2, "bob")).Subscribed).Value;
        var daveExpiry = Assert.Single((await silo.Client.SubscribeAsync("alice", Hour, "dave")).Subscribed).Value;
        await silo.KillAsync();
        // The subscription expires while no silo runs (an expired one is gone at its expiry second).
        await Eventually.TrueAsync(() => Now() >= expiresAt, TimeSpan.FromSeconds(10), "the wall clock to pass the expiry");

        silo = await StartSiloAsync(database, OneWatcherPerUser);

        Assert.Equal([("dave", daveExpiry)], await silo.Client.GetSubscriptionsAsync("alice"));
        // Bob's one place is free again: alice's expired watch does not count.
        Assert.Equal(["bob"], (await silo.Client.SubscribeAsync("carol", Hour, "bob")).Subscribed.Keys);
        Assert.Contains("carol", (await database.SubscriptionRowsToAsync("bob")).Keys);
    }

    /// <summary>
    /// The activation that answers for a subscription which expired while no silo ran re-arms the expiry reminder at
    /// the missed due time, so its row goes within seconds. Orleans 10.4.2 schedules a reminder whose start has already
    /// passed at the next start + n × period (a whole minute later; 60.3 s measured when the grain armed it with due
    /// time zero), so the grain arms it at least <c>MinReminderDueTime</c> (1 s) ahead.
    /// </summary>
    [Fact]
    public async Task ExpiredSubscription_RowDeletedWithinSecondsOfTheActivation_WhenItExpiredWhileTheSiloWasDown()
    {
        var database = await NewDatabaseAsync();
        var silo = await StartSiloAsync(database);
        var expiresAt = Assert.Single((await silo.Client.SubscribeAsync("alice", 2, "bob")).Subscribed).Value;
        var daveExpiry = Assert.Single((await silo.Client.SubscribeAsync("alice", Hour, "dave")).Subscribed).Value;
        await silo.KillAsync();
        await Eventually.TrueAsync(() => Now() >= expiresAt, TimeSpan.FromSeconds(10), "the wall clock to pass the expiry");
        silo = await StartSiloAsync(database);

        Assert.Equal([("dave", daveExpiry)], await silo.Client.GetSubscriptionsAsync("alice"));

        await Eventually.TrueAsync(
            async () => (await database.SubscriptionRowsToAsync("bob")).Count == 0,
            TimeSpan.FromSeconds(20),
            "the re-armed expiry reminder to delete the expired row");
        await Eventually.TrueAsync(
            async () => (await database.RemindersOfAsync("alice")).Values.SequenceEqual([daveExpiry]),
            because: "alice's reminder to move to dave's expiry");
    }

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();
}
