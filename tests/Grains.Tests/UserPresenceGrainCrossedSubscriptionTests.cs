namespace Presence.Grains.Tests;

[Collection(DefaultClusterCollection.Name)]
public sealed class UserPresenceGrainCrossedSubscriptionTests(DefaultCluster cluster)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly TestApp _app = cluster.NewApp();

    // Users subscribing to each other at once: A's subscribe awaits B.AdmitWatcher while B's subscribe awaits
    // A.AdmitWatcher. The target-side calls always interleave, so neither waits behind the other's turn.
    [Fact]
    public async Task SubscriptionsWatchersAndRows_StayEqual_WhenUsersSubscribeToEachOtherAtOnce()
    {
        var users = Enumerable.Range(0, 6).Select(i => $"u{i}").ToArray();

        var calls = users.Select(u => Task.Run(() => _app.User(u).SubscribeAsync(users.Where(o => o != u).ToArray(), 100)));
        await Task.WhenAll(calls).WaitAsync(Deadline);

        await SubscriptionConsistency.AssertBothEndsAgreeAsync(_app, users, maxSubscriptions: 5, maxWatchers: 5);
    }
}
