using Orleans.Storage;

namespace Presence.Storage.Tests;

/// <summary>
/// Version-fenced state through Orleans' ADO.NET storage (ETag = version): a stale duplicate activation can never
/// acknowledge a change, neither of its state nor of its subscription rows (whose writes are fenced by a state write first).
/// Its call fails with Orleans' <see cref="InconsistentStateException"/>, Orleans drops the activation, and the next call
/// runs on the current state.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class VersionFencingTests(PostgresFixture postgres, SplitBrainClustersFixture clusters, ITestOutputHelper output)
    : IClassFixture<SplitBrainClustersFixture>
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..6];

    [Fact]
    public async Task StaleActivation_StateWriteIsRejectedWithInconsistentState_AfterAnotherActivationWrote()
    {
        var (a, b) = await clusters.GetAsync(postgres);
        var alice = UserKey.Create("acme", "chat", $"alice-{_run}");
        var stale = a.Client.GetUserGrain(alice);
        await stale.SetStatusAsync("mobile", "1", "from-a");
        // The same user, active in the other cluster too: it loads A's write and writes over it.
        var current = await b.Client.GetUserGrain(alice).SetStatusAsync("web", "1", "from-b");

        var rejected = await Assert.ThrowsAsync<InconsistentStateException>(() => stale.SetStatusAsync("mobile", "0", "lost"));
        output.WriteLine($"stale write: {rejected.GetType().Name}: {rejected.Message}");

        await using var rows = new StoredRows(clusters.ConnectionString, clusters.ServiceId);
        var stored = await rows.ReadStateAsync(stale.GetGrainId());
        Assert.Equal("from-b", stored!.Property("Ext").GetString());
        Assert.Equal(current.Version, stored.Property("Version").GetInt64());
        // The stale activation is gone: A's next call loads what B wrote, and A's change now applies on top of it.
        var reloaded = await stale.GetPresenceAsync();
        Assert.Equal(current.Version, reloaded.Version);
        Assert.Equal("from-b", reloaded.Ext);
        var applied = await stale.SetStatusAsync("mobile", "0", "retried");
        Assert.Equal(current.Version + 1, applied.Version);
        Assert.Equal(new Dictionary<string, string> { ["mobile"] = "0", ["web"] = "1" }, applied.Status);
    }

    [Fact]
    public async Task StaleActivation_SubscriptionChangesAreRejected_AndLeaveTheRowsAlone()
    {
        var (a, b) = await clusters.GetAsync(postgres);
        var alice = UserKey.Create("acme", "chat", $"alice-{_run}");
        string bob = $"bob-{_run}", carol = $"carol-{_run}";
        var stale = a.Client.GetUserGrain(alice);
        await stale.SubscribeAsync([bob], 3600);
        await b.Client.GetUserGrain(alice).SetStatusAsync("web", "1", null);

        await Assert.ThrowsAsync<InconsistentStateException>(() => stale.SubscribeAsync([carol], 3600));
        // The target had admitted the watcher before the fenced write; the failed subscribe took that back.
        Assert.Empty(await a.Client.GetUserGrain(alice.WithUsername(carol)).GetWatchersAsync());
        await using var rows = new StoredRows(clusters.ConnectionString, clusters.ServiceId);
        Assert.Equal([alice.WithUsername(bob).ToString()], await rows.ReadSubscriptionTargetsAsync(alice));
        // Nor can it take a row away. A's next call activates afresh (loading B's write); B writes again, so it is stale again.
        Assert.Equal([bob], (await stale.GetSubscriptionsAsync(1, 10)).Items.Select(i => i.Uid));
        await b.Client.GetUserGrain(alice).SetStatusAsync("web", "2", null);
        await Assert.ThrowsAsync<InconsistentStateException>(() => stale.UnsubscribeAsync([bob]));
        Assert.Equal([alice.WithUsername(bob).ToString()], await rows.ReadSubscriptionTargetsAsync(alice));

        // Retried on a fresh activation, the unsubscribe applies.
        await stale.UnsubscribeAsync([bob]);
        Assert.Empty(await rows.ReadSubscriptionTargetsAsync(alice));
    }
}
