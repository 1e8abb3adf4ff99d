namespace Presence.Grains.Tests;

[Collection(SmallLimitsClusterCollection.Name)]
public sealed class UserPresenceGrainConcurrencyTests(SmallLimitsCluster cluster)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly TestApp _app = cluster.NewApp();

    [Fact]
    public async Task SubscriptionsWatchersAndRows_StayEqual_WhenOverlappingUsersCallInParallel()
    {
        // The cluster's caps (3 subscriptions, 2 subscribers) are small enough that evictions and full targets happen
        // under the race.
        var users = Enumerable.Range(0, 12).Select(i => $"u{i:00}").ToArray();
        var random = new Random(1234);
        var statusCalls = users.ToDictionary(u => u, _ => 0);
        var calls = new List<Func<Task>>();
        for (var n = 0; n < 400; n++)
        {
            var i = random.Next(users.Length);
            var user = _app.User(users[i]);
            // Only towards higher-numbered users: crossed subscriptions have their own test.
            var later = users[(i + 1)..].Where(_ => random.Next(3) == 0).ToArray();
            switch (random.Next(4))
            {
                case 0 or 1 when later.Length > 0:
                    var expiry = random.Next(100, 1000);
                    calls.Add(() => user.SubscribeAsync(later, expiry));
                    break;
                case 2:
                    var all = random.Next(5) == 0;
                    calls.Add(() => user.UnsubscribeAsync(all ? [] : later));
                    break;
                default:
                    statusCalls[users[i]]++;
                    var status = $"s{n}"; // always a change, so every call must bump the version
                    calls.Add(() => user.SetStatusAsync($"web_{n % SmallLimitsCluster.MaxResourcesPerUser}", status, null));
                    break;
            }
        }

        await Task.WhenAll(calls.Select(call => Task.Run(call))).WaitAsync(Deadline);

        await SubscriptionConsistency.AssertBothEndsAgreeAsync(
            _app, users, SmallLimitsCluster.MaxSubscriptionsPerUser, SmallLimitsCluster.MaxSubscribersPerUser);
        foreach (var user in users)
            Assert.Equal(statusCalls[user], (await _app.User(user).GetPresenceAsync()).Version);
    }
}
