namespace Presence.Orleans.Grains.Tests;

public sealed class UserPresenceGrainConcurrencyTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task SubscriptionsWatchersAndRows_StayEqual_WhenOverlappingUsersCallInParallel()
    {
        // Caps small enough that evictions and full targets happen under the race.
        await using var silo = await PresenceTestSilo.StartAsync(limits: l =>
        {
            l.MaxSubscriptionsPerUser = 4;
            l.MaxSubscribersPerUser = 3;
        });
        var users = Enumerable.Range(0, 12).Select(i => $"u{i:00}").ToArray();
        var random = new Random(1234);
        var statusCalls = users.ToDictionary(u => u, _ => 0);
        var calls = new List<Func<Task>>();
        for (var n = 0; n < 400; n++)
        {
            var i = random.Next(users.Length);
            var user = silo.User(users[i]);
            // Only towards higher-numbered users: see the skipped test below for crossed subscriptions.
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
                    calls.Add(() => user.SetStatusAsync($"web_{n % 3}", status, null));
                    break;
            }
        }

        await Task.WhenAll(calls.Select(call => Task.Run(call))).WaitAsync(Deadline);

        await AssertBothEndsAgreeAsync(silo, users, maxSubscriptions: 4, maxWatchers: 3);
        foreach (var user in users)
            Assert.Equal(statusCalls[user], (await silo.User(user).GetPresenceAsync()).Version);
    }

    // Users subscribing to each other at once: A's subscribe awaits B.AddWatcher while B's subscribe awaits
    // A.AddWatcher. The target-side calls always interleave, so neither waits behind the other's turn.
    [Fact]
    public async Task SubscriptionsWatchersAndRows_StayEqual_WhenUsersSubscribeToEachOtherAtOnce()
    {
        await using var silo = await PresenceTestSilo.StartAsync();
        var users = Enumerable.Range(0, 6).Select(i => $"u{i}").ToArray();

        var calls = users.Select(u => Task.Run(() => silo.User(u).SubscribeAsync(users.Where(o => o != u).ToArray(), 100)));
        await Task.WhenAll(calls).WaitAsync(Deadline);

        await AssertBothEndsAgreeAsync(silo, users, maxSubscriptions: 5, maxWatchers: 5);
    }

    /// <summary>Every subscriber's list equals, edge by edge and expiry by expiry, the targets' watchers and the stored rows.</summary>
    private static async Task AssertBothEndsAgreeAsync(PresenceTestSilo silo, string[] users, int maxSubscriptions, int maxWatchers)
    {
        var bySubscriber = new HashSet<(string, string, long)>();
        var byTarget = new HashSet<(string, string, long)>();
        var rows = new HashSet<(string, string, long)>();
        foreach (var user in users)
        {
            var page = await silo.User(user).GetSubscriptionsAsync(1, 500);
            Assert.Equal(page.Total, page.Items.Count);
            Assert.True(page.Total <= maxSubscriptions, $"{user} holds {page.Total} subscriptions");
            bySubscriber.UnionWith(page.Items.Select(s => (user, s.Uid, s.Expiry)));

            var watchers = await silo.User(user).GetWatchersAsync();
            Assert.True(watchers.Count <= maxWatchers, $"{user} has {watchers.Count} watchers");
            byTarget.UnionWith(watchers.Select(w => (w.Uid, user, w.Expiry)));

            rows.UnionWith((await silo.RowsOfSubscriberAsync(user)).Select(r => (user, r.Key, r.Value)));
        }
        Assert.NotEmpty(bySubscriber);
        Assert.Equal(bySubscriber.Order(), byTarget.Order());
        Assert.Equal(bySubscriber.Order(), rows.Order());
    }
}
