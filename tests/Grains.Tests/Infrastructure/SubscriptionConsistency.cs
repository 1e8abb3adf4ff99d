namespace Presence.Grains.Tests;

internal static class SubscriptionConsistency
{
    /// <summary>Every subscriber's list equals, edge by edge and expiry by expiry, the targets' watchers and the stored rows.</summary>
    public static async Task AssertBothEndsAgreeAsync(TestApp app, string[] users, int maxSubscriptions, int maxWatchers)
    {
        var bySubscriber = new HashSet<(string, string, long)>();
        var byTarget = new HashSet<(string, string, long)>();
        var rows = new HashSet<(string, string, long)>();
        foreach (var user in users)
        {
            var page = await app.User(user).GetSubscriptionsAsync(1, 500);
            Assert.Equal(page.Total, page.Items.Count);
            Assert.True(page.Total <= maxSubscriptions, $"{user} holds {page.Total} subscriptions");
            bySubscriber.UnionWith(page.Items.Select(s => (user, s.Uid, s.Expiry)));

            var watchers = await app.User(user).GetWatchersAsync();
            Assert.True(watchers.Count <= maxWatchers, $"{user} has {watchers.Count} watchers");
            byTarget.UnionWith(watchers.Select(w => (w.Uid, user, w.Expiry)));

            rows.UnionWith((await app.RowsOfSubscriberAsync(user)).Select(r => (user, r.Key, r.Value)));
        }
        Assert.NotEmpty(bySubscriber);
        Assert.Equal(bySubscriber.Order(), byTarget.Order());
        Assert.Equal(bySubscriber.Order(), rows.Order());
    }
}
