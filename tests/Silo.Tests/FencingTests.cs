namespace Presence.Silo.Tests;

/// <summary>
/// Two silos on one database that do not know of each other (two one-silo clusters: localhost clustering, their own
/// ports and cluster ids, one service id) each activate the same user, as a split cluster would. The duplicate
/// holding stale state is fenced by Orleans' versioned write (ADO.NET storage's ETag check throws
/// <c>InconsistentStateException</c> and Orleans deactivates that activation); the gateway retries the idempotent
/// call once, on a fresh activation that loads the other's write. It never overwrites it, and never answers 500.
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

        // Nothing was a 500, even in the logs; each silo's stale activation was fenced (and dropped) once.
        var logs = a.Log + b.Log;
        Assert.DoesNotContain("answered 500", logs, StringComparison.Ordinal);
        await AssertFencedAsync(a);
        await AssertFencedAsync(b);
        // Four acknowledged changes, four versions: no write was lost or applied twice.
        Assert.Equal(4, (await database.StateOfAsync("alice"))?["Version"]?.GetValue<long>());

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

        await AssertFencedAsync(b);
        Assert.Empty(await database.SubscriptionRowsOfAsync("alice"));
        b = await KillAndRestartAsync(b);
        Assert.Empty(await b.Client.GetSubscriptionsAsync("alice"));
    }

    /// <summary>What Orleans logs when it deactivates an activation whose write failed the ETag check.</summary>
    private const string FencedActivation = "due to inconsistent state";

    /// <summary>The silo's log (read asynchronously from its output) shows a fenced activation.</summary>
    private static Task AssertFencedAsync(SiloProcess silo) =>
        Eventually.TrueAsync(() => silo.Log.Contains(FencedActivation, StringComparison.Ordinal), because: $"silo {silo.Name} to log a fenced activation");

    private static async Task AssertPresenceAsync(SiloProcess silo, string ext, params string[] onlineResources)
    {
        var presence = await silo.Client.GetPresenceAsync("alice");
        Assert.Equal(ext, presence.Ext);
        Assert.Equal(new SortedDictionary<string, string>(onlineResources.ToDictionary(r => r, _ => "1"), StringComparer.Ordinal), presence.SortedStatus);
    }
}
