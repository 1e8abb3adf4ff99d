namespace Presence.Grains.UnitTests;

public sealed class WatcherBookTests
{
    private const long Now = 1_000_000;
    private readonly FakeHub _gateway1 = new("gateway-1");
    private readonly FakeHub _gateway2 = new("gateway-2");

    private static WatcherBook Book(int cap = 3000) => new("me", cap, Fakes.SameHub);

    private static WatchRequest Until(string watcher, long expiresAt, bool connected = false, long epoch = 0, IPresenceHub[]? hubs = null) =>
        new(watcher, expiresAt, connected, epoch, hubs);

    [Fact]
    public void Admit_RefusesNewWatchers_WhenFull_ButReadmitsALiveOne()
    {
        var book = Book(cap: 2);
        Assert.True(book.Admit(Until("a", Now + 10), Now, out _));
        Assert.True(book.Admit(Until("b", Now + 10), Now, out _));

        Assert.False(book.Admit(Until("c", Now + 10), Now, out _));
        Assert.True(book.Admit(Until("a", Now + 20), Now, out _));
        Assert.Equal([new SubscriptionEntry("a", Now + 20), new SubscriptionEntry("b", Now + 10)], book.Live(Now));
    }

    [Fact]
    public void Admit_MakesRoomFromExpiredWatchers_WhenTheyAreWhatMakesItFull()
    {
        var book = Book(cap: 2);
        book.Admit(Until("a", Now + 1), Now, out _);
        book.Admit(Until("b", Now + 10), Now, out _);

        Assert.True(book.Admit(Until("c", Now + 10), Now + 1, out _));
        Assert.Equal(["b", "c"], book.Live(Now + 1).Select(e => e.Uid));
    }

    [Fact]
    public void Load_KeepsLiveWatchersOnly()
    {
        var book = Book();

        book.Load([new("org/app/a", "org/app/me", DateTimeOffset.FromUnixTimeSeconds(Now)), new("org/app/b", "org/app/me", DateTimeOffset.FromUnixTimeSeconds(Now + 1))], "org/app/", Now);

        Assert.Equal(1, book.Count);
        Assert.Equal(["b"], book.Live(Now).Select(e => e.Uid));
    }

    [Fact]
    public void ApplyConnection_IgnoresANoticeOlderThanOneAlreadyHeard()
    {
        var book = Book();
        book.Admit(Until("a", Now + 10), Now, out _);

        Assert.True(book.ApplyConnection("a", connected: true, epoch: 5, hubs: null));
        Assert.False(book.ApplyConnection("a", connected: false, epoch: 4, hubs: null));
        Assert.True(book.IsConnected("a"));
        Assert.True(book.ApplyConnection("a", connected: false, epoch: 6, hubs: null));
        Assert.False(book.IsConnected("a"));
    }

    [Fact]
    public void Admit_RefusesThisUserAndInvalidNames_AndLowerCasesTheWatcher()
    {
        var book = Book();

        Assert.Throws<ArgumentException>(() => book.Admit(Until("ME", Now + 10), Now, out _));
        Assert.Throws<ArgumentException>(() => book.Admit(Until("not valid", Now + 10), Now, out _));
        Assert.True(book.Admit(Until("Alice", Now + 10), Now, out var watcher));
        Assert.Equal("alice", watcher);
    }

    [Fact]
    public void ApplyConnection_ConnectsOnlyCurrentWatchers()
    {
        var book = Book();

        book.ApplyConnection("stranger", connected: true, epoch: 1, hubs: null);

        Assert.Equal(0, book.ConnectedCount);
    }

    [Fact]
    public void PlanFanOut_SendsOncePerProcessInChunks_AndThroughGrainsForWatchersWithoutHubs()
    {
        var book = Book();
        foreach (var watcher in new[] { "a", "b", "c" })
            book.Admit(Until(watcher, Now + 10, connected: true, epoch: 1, hubs: [_gateway1]), Now, out _);
        book.Admit(Until("d", Now + 10, connected: true, epoch: 1, hubs: [_gateway1, _gateway2]), Now, out _);
        book.Admit(Until("e", Now + 10, connected: true, epoch: 1), Now, out _);
        book.Admit(Until("offline", Now + 10), Now, out _);

        var plan = book.PlanFanOut(Now, maxWatchersPerDelivery: 3);

        Assert.Equal(["e"], plan.ThroughGrains);
        var toGateway1 = plan.HubDeliveries.Where(d => d.Hub == _gateway1).Select(d => d.Watchers.Length).ToList();
        Assert.Equal([3, 1], toGateway1);
        Assert.Equal(["d"], plan.HubDeliveries.Single(d => d.Hub == _gateway2).Watchers);
        Assert.Equal(6, plan.HubDeliveries.Sum(d => d.Watchers.Length) + plan.ThroughGrains.Count);
    }

    [Fact]
    public void PlanFanOut_SkipsAndDisconnectsWatchersWhoseSubscriptionEnded()
    {
        var book = Book();
        book.Admit(Until("a", Now + 10, connected: true, epoch: 1), Now, out _);
        book.Admit(Until("b", Now + 20, connected: true, epoch: 1), Now, out _);

        var plan = book.PlanFanOut(Now + 10, maxWatchersPerDelivery: 100);

        Assert.Equal(["b"], plan.ThroughGrains);
        Assert.Equal(1, plan.EndedCount);
        Assert.Equal(1, book.ConnectedCount);
    }

    [Fact]
    public void Remove_ForgetsTheWatcherAndItsConnection()
    {
        var book = Book();
        book.Admit(Until("a", Now + 10, connected: true, epoch: 3, hubs: [_gateway1]), Now, out _);

        book.Remove("a");

        Assert.Equal(0, book.Count);
        Assert.Equal(0, book.ConnectedCount);
        Assert.Null(book.HubsOf("a"));
        Assert.True(book.ApplyConnection("a", connected: false, epoch: 1, hubs: null)); // its old epoch is forgotten too
    }
}
