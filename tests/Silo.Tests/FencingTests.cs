namespace Presence.Orleans.Silo.Tests;

/// <summary>
/// Two silos on one database, without membership yet, each activate the same user: the duplicate holding stale
/// state must be fenced by the versioned write (the activation is dropped and the call retried on a fresh one
/// that loads the other's write), never overwrite it, and never answer 500.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class FencingTests(PostgresFixture fixture, ITestOutputHelper output) : SiloTestBase(fixture, output)
{
    [Fact]
    public async Task StaleActivation_IsFencedAndItsWriteRetriedOnFreshState_WhenTwoSilosWriteTheSameUserInTurn()
    {
        var database = await NewDatabaseAsync();
        var a = await StartSiloAsync(database, name: "A");
        var b = await StartSiloAsync(database, name: "B");

        // Each write names a new resource, so a write made on stale state would visibly drop the other silo's.
        await a.Client.SetPresenceAsync("alice", "web", "1", "a1");
        await AssertPresenceAsync(a, "a1", "web");

        // B activates alice now and loads A's write.
        await b.Client.SetPresenceAsync("alice", "android", "1", "b1");
        await AssertPresenceAsync(b, "b1", "web", "android");

        // A still holds alice as of "a1": its write is stale, fenced, and retried on state that has B's write.
        await a.Client.SetPresenceAsync("alice", "ios", "1", "a2");
        await AssertPresenceAsync(a, "a2", "web", "android", "ios");

        // And the other way round.
        await b.Client.SetPresenceAsync("alice", "pc", "1", "b2");
        await AssertPresenceAsync(b, "b2", "web", "android", "ios", "pc");

        // Nothing was a 500, even in the logs.
        var logs = a.Log + b.Log;
        Assert.DoesNotContain("answered 500", logs, StringComparison.Ordinal);

        // What is stored is the last acknowledged write: a silo that starts fresh shows it.
        a = await KillAndRestartAsync(a);
        await AssertPresenceAsync(a, "b2", "web", "android", "ios", "pc");
    }

    /// <summary>
    /// Subscription rows carry no version, so the grain writes its versioned state record before them: B's alice
    /// (activated before A subscribed her) is fenced on R4 and the call is retried on fresh state, which deletes
    /// the row. Without the fence B answered 200, deleted nothing, and the subscription came back after a restart.
    /// </summary>
    [LocalPostgresFact]
    public async Task Unsubscribe_OnAStaleActivation_IsFencedAndNotLost_WhenTwoSilosServeTheSameUser()
    {
        var database = await NewDatabaseAsync();
        var a = await StartSiloAsync(database, name: "A");
        var b = await StartSiloAsync(database, name: "B");
        Assert.Empty(await b.Client.GetSubscriptionsAsync("alice"));
        await a.Client.SubscribeAsync("alice", 3600, "bob");

        await b.Client.UnsubscribeAsync("alice", "bob");

        Assert.Empty(await database.SubscriptionRowsOfAsync("alice"));
        b = await KillAndRestartAsync(b);
        Assert.Empty(await b.Client.GetSubscriptionsAsync("alice"));
    }

    private static async Task AssertPresenceAsync(SiloProcess silo, string ext, params string[] onlineResources)
    {
        var presence = await silo.Client.GetPresenceAsync("alice");
        Assert.Equal(ext, presence.Ext);
        Assert.Equal(new SortedDictionary<string, string>(onlineResources.ToDictionary(r => r, _ => "1"), StringComparer.Ordinal), presence.SortedStatus);
    }
}
