using Microsoft.Extensions.DependencyInjection;

namespace Presence.Grains.Tests;

/// <summary>
/// Friends as watchers, across silos: the user and the friend on different silos, the user's device on a process hub
/// (a gateway) or on no hub (through its grain). No subscription is involved.
/// </summary>
[Collection(FriendsClusterCollection.Name)]
public sealed class UserPresenceGrainFriendTests(FriendsCluster cluster)
{
    private readonly TestApp _app = cluster.NewApp();

    private async Task OnDifferentSilosAsync(string a, string b)
    {
        var silos = cluster.Cluster.Silos;
        Assert.Equal(silos[0].SiloAddress, await _app.PlaceAsync(a, silos[0].SiloAddress));
        Assert.Equal(silos[1].SiloAddress, await _app.PlaceAsync(b, silos[1].SiloAddress));
    }

    [Fact]
    public async Task FriendsChanges_ReachTheUsersGateway_InOrder_WithoutASubscription_UntilTheContactIsRemoved()
    {
        await OnDifferentSilosAsync("a", "f");
        var gateway = TestHub.Create(_app);
        await _app.ConnectAsync("a", "web_1", gateway);

        Assert.Equal(ContactChange.Done, await _app.User("a").AddContactAsync("f"));
        Assert.Equal(ContactChange.Unchanged, await _app.User("f").AddContactAsync("A"));
        Assert.Equal(0, (await _app.User("a").GetSubscriptionsAsync(1, 10)).Total);

        PresenceSnapshot last = null!;
        for (var i = 0; i < 5; i++)
            last = await _app.User("f").SetStatusAsync("web", "1", $"e{i}");
        await Eventually.TrueAsync(() => gateway.WatchersOf("f", last.Version).Contains("a"), because: "f's last change reaches a's gateway");

        Assert.Equal(ContactChange.Done, await _app.User("f").RemoveContactAsync("a"));
        var after = await _app.User("f").SetStatusAsync("web", "1", "after");
        // A subscriber on the same gateway is the marker that the change was fanned out.
        await _app.ConnectAsync("marker", "web_1", gateway);
        await _app.User("marker").SubscribeAsync(["f"], 3600);
        var marked = await _app.User("f").SetStatusAsync("web", "1", "marked");
        await Eventually.TrueAsync(() => gateway.WatchersOf("f", marked.Version).Contains("marker"), because: "the marker's event");
        Assert.DoesNotContain("a", gateway.WatchersOf("f", after.Version));
        Assert.DoesNotContain("a", gateway.WatchersOf("f", marked.Version));
        Assert.Empty(await _app.User("a").GetContactsAsync());
    }

    [Fact]
    public async Task FriendsChanges_ReachADeviceWithoutAHub_ThroughItsGrain_AndTheCurrentStateOnAdding()
    {
        await OnDifferentSilosAsync("a", "f");
        await _app.User("f").SetStatusAsync("web", "1", "before");
        var device = await _app.ConnectAsync("a", "web_1");

        await _app.User("f").AddContactAsync("a");
        await Eventually.TrueAsync(() => device.EventsOf("f").Any(e => e.Ext == "before"), because: "f's state when they became friends");
        var changed = await _app.User("f").SetStatusAsync("web", "1", "now");
        await Eventually.TrueAsync(() => device.EventsOf("f").Any(e => e.Version == changed.Version), because: "f's change through a's grain");
        var versions = device.EventsOf("f").Select(e => e.Version).ToList();
        Assert.Equal(versions.Order(), versions);
    }

    [Fact]
    public async Task ContactRows_AreLoadedByAFreshActivation()
    {
        await _app.User("a").AddContactAsync("f");
        await _app.DeactivateAsync("a", "f");
        Assert.Equal(["f"], await _app.User("a").GetContactsAsync());
        Assert.Equal(["a"], await _app.User("f").GetContactsAsync());
    }

    [Fact]
    public async Task Registration_OfOneName_FromThreeSilosAtOnce_HasExactlyOneWinner()
    {
        // Each silo's client-facing call goes to the one account activation; the store's key is the backstop either way.
        var key = _app.Key("race").ToString();
        var results = await Task.WhenAll(cluster.Cluster.Silos.Select(silo =>
            silo.ServiceProvider.GetRequiredService<IGrainFactory>().GetGrain<IUserAccountGrain>(key).RegisterAsync($"pw-{silo.SiloAddress}", null)));
        Assert.Single(results, r => r.Outcome == RegisterOutcome.Created);
        Assert.Equal(2, results.Count(r => r.Outcome == RegisterOutcome.Exists));
    }
}
