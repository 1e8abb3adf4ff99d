using Microsoft.Extensions.Time.Testing;

namespace Presence.Grains.UnitTests;

/// <summary>The target side's answers to its watchers: admit answers and connection notices.</summary>
public sealed class WatcherBookProtocolTests
{
    private const long Now = 1_000_000;
    private readonly FakeHub _gateway = new("gateway-1");
    private readonly FakeTimeProvider _clock = Fakes.Clock();

    [Fact]
    public void Answer_IsMadeOncePerSnapshot_ForAdmittedWatchers()
    {
        var book = new WatcherBook("me", 3000, Fakes.SameHub);
        var document = Fakes.Document(_clock);
        var first = document.Snapshot();

        var answer = book.Answer(admitted: true, first);
        Assert.True(answer.Accepted);
        Assert.Same(first, answer.Presence);
        Assert.Same(answer, book.Answer(admitted: true, first));

        var refused = book.Answer(admitted: false, first);
        Assert.False(refused.Accepted);
        Assert.Same(answer, book.Answer(admitted: true, first)); // a refusal does not replace the cached answer

        document.Change(() =>
        {
            document.Connect("web");
            return true;
        });
        var second = document.Snapshot();
        Assert.Same(second, book.Answer(admitted: true, second).Presence);
    }

    [Fact]
    public void ConnectionChanged_AsksForTheState_OnlyWhenAResyncingWatcherIsConnectedAndWatching()
    {
        var book = new WatcherBook("me", 3000, Fakes.SameHub);
        book.Admit(new WatchRequest("w", Now + 60, false, 1, null), Now, out _);

        Assert.False(book.ConnectionChanged("w", connected: true, epoch: 2, [_gateway], resync: false, Now, friendsOn: false));
        Assert.True(book.IsConnected("w"));
        Assert.True(book.ConnectionChanged("w", connected: true, epoch: 3, [_gateway], resync: true, Now, friendsOn: false));
        Assert.False(book.ConnectionChanged("w", connected: true, epoch: 2, [_gateway], resync: true, Now, friendsOn: false)); // older
        Assert.False(book.ConnectionChanged("w", connected: true, epoch: 4, [_gateway], resync: true, Now + 60, friendsOn: false)); // ended
        Assert.False(book.ConnectionChanged("w", connected: false, epoch: 5, null, resync: true, Now, friendsOn: false));
        Assert.False(book.IsConnected("w"));
    }

    [Fact]
    public void ConnectionChanged_OfAFriend_AsksForTheState_OnlyWhileFriendsAreOn()
    {
        var friends = new ContactBook("me");
        friends.Load(["f"]);
        var book = new WatcherBook("me", 3000, Fakes.SameHub, friends);

        Assert.False(book.ConnectionChanged("f", connected: true, epoch: 1, [_gateway], resync: true, Now, friendsOn: false));
        Assert.True(book.ConnectionChanged("f", connected: true, epoch: 2, [_gateway], resync: true, Now, friendsOn: true));
    }
}
