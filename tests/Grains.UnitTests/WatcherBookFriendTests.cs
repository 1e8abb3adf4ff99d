namespace Presence.Grains.UnitTests;

/// <summary>Friends as the second source of watchers in <see cref="WatcherBook.PlanFanOut"/>.</summary>
public sealed class WatcherBookFriendTests
{
    private const long Now = 1_000_000;
    private readonly FakeHub _gateway = new("gateway-1");

    [Fact]
    public void PlanFanOut_IncludesConnectedFriends_WithoutASubscription_OnlyWhileFriendsAreOn()
    {
        var friends = new ContactBook("me");
        friends.Load(["f"]);
        var book = new WatcherBook("me", 3000, Fakes.SameHub, friends);

        Assert.True(book.ApplyConnection("f", connected: true, epoch: 1, hubs: [_gateway]));
        Assert.True(book.IsConnected("f"));
        var on = book.PlanFanOut(Now, 100, friendsOn: true);
        Assert.Equal(["f"], Assert.Single(on.HubDeliveries).Watchers);

        var off = book.PlanFanOut(Now, 100, friendsOn: false);
        Assert.Empty(off.HubDeliveries);
        Assert.Equal(0, off.EndedCount);
        Assert.True(book.IsConnected("f")); // switching on again needs no reconnect
    }

    [Fact]
    public void ApplyConnection_RefusesAStrangerWithoutASubscription()
    {
        var book = new WatcherBook("me", 3000, Fakes.SameHub, new ContactBook("me"));
        book.ApplyConnection("stranger", connected: true, epoch: 1, hubs: [_gateway]);
        Assert.False(book.IsConnected("stranger"));
    }

    [Fact]
    public void RemoveFriend_StopsItsEvents_UnlessItStillSubscribes()
    {
        var friends = new ContactBook("me");
        friends.Load(["f", "g"]);
        var book = new WatcherBook("me", 3000, Fakes.SameHub, friends);
        book.Admit(new WatchRequest("g", Now + 60, true, 1, [_gateway]), Now, out _);
        book.ApplyConnection("f", connected: true, epoch: 1, hubs: [_gateway]);

        friends.Remove("f");
        book.RemoveFriend("f");
        friends.Remove("g");
        book.RemoveFriend("g");

        Assert.Equal(["g"], Assert.Single(book.PlanFanOut(Now, 100, friendsOn: true).HubDeliveries).Watchers);
    }

    [Fact]
    public void AnEndedSubscription_KeepsAFriendConnected()
    {
        var friends = new ContactBook("me");
        friends.Load(["f"]);
        var book = new WatcherBook("me", 3000, Fakes.SameHub, friends);
        book.Admit(new WatchRequest("f", Now + 1, true, 1, [_gateway]), Now, out _);

        var plan = book.PlanFanOut(Now + 5, 100, friendsOn: true);

        Assert.Equal(["f"], Assert.Single(plan.HubDeliveries).Watchers);
        Assert.Equal(0, plan.EndedCount);
    }
}
