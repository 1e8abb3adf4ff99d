using FsCheck.Xunit;

namespace Presence.Grains.UnitTests;

public sealed class WatchListTests
{
    private const long Now = 1_000_000;
    private readonly SubscriptionBook _subscriptions = new("me", 3000, 100);
    private readonly ContactBook _contacts = new("me");
    private readonly Switch _switch = new();

    private WatchList List() => new(_subscriptions, _contacts, _switch, "org", "app");

    [Fact]
    public void Accept_ForwardsASubscribedTarget_AndAsksAStrangerToDropItsEntry()
    {
        _subscriptions.Set("t", Now + 60);
        var list = List();

        Assert.Equal(DeliveryVerdict.Forward, list.Accept("t", 1, Now));
        Assert.Equal(DeliveryVerdict.Stale, list.Accept("t", 1, Now));
        Assert.Equal(DeliveryVerdict.NotSubscribed, list.Accept("stranger", 1, Now));
    }

    [Fact]
    public void Accept_ForwardsAFriend_OnlyWhileFriendsAreOn_AndNeverAsksItToDropItsEntry()
    {
        _contacts.Load(["f"]);
        var list = List();

        Assert.Equal(DeliveryVerdict.Muted, list.Accept("f", 1, Now));
        _switch.On = true;
        Assert.Equal(DeliveryVerdict.Forward, list.Accept("f", 1, Now));
        Assert.Equal(DeliveryVerdict.Stale, list.Accept("f", 1, Now));
        Assert.Equal(DeliveryVerdict.Forward, list.Accept("f", 2, Now));

        list.ForgetForwarded();
        Assert.Equal(DeliveryVerdict.Forward, list.Accept("f", 2, Now));
    }

    [Fact]
    public void Accept_AnEndedSubscription_ToAFriend_GoesOnAsAFriend()
    {
        _subscriptions.Set("f", Now);
        _contacts.Load(["f"]);
        var list = List();

        Assert.Equal(DeliveryVerdict.Muted, list.Accept("f", 1, Now));
        _switch.On = true;
        Assert.Equal(DeliveryVerdict.Forward, list.Accept("f", 1, Now));
    }

    [Fact]
    public void AnnouncedTo_AndHears_CountFriends_OnlyWhileFriendsAreOn_EachOnce()
    {
        _subscriptions.Set("t", Now + 60);
        _subscriptions.Set("both", Now + 60);
        _contacts.Load(["f", "both"]);
        var list = List();

        Assert.Equal(["both", "t"], list.AnnouncedTo(Now).Order());
        Assert.False(list.Hears("f", Now));
        Assert.True(list.Hears("t", Now));
        Assert.False(list.FriendsOn);

        _switch.On = true;
        Assert.True(list.FriendsOn);
        Assert.Equal(["both", "f", "t"], list.AnnouncedTo(Now).Order());
        Assert.True(list.Hears("f", Now));
        Assert.False(list.Hears("stranger", Now));
    }

    [Fact]
    public void FriendsAreOff_WithoutAnyFriend_WhateverTheSwitch()
    {
        _switch.On = true;
        Assert.False(List().FriendsOn);
    }

    /// <summary>
    /// Whatever the events, their order and the switch: a friend or a live subscription's target is never asked to drop
    /// its watcher entry, and no version goes to the devices twice.
    /// </summary>
    [Property(MaxTest = 300)]
    public bool Accept_NeverReleasesAFriendOrALiveTarget_NorForwardsAVersionTwice(byte[] events, bool friendsOn)
    {
        _subscriptions.Set("t", Now + 60);
        _subscriptions.Set("ended", Now);
        _contacts.Load(["f", "ended"]);
        _switch.On = friendsOn;
        var list = List();
        string[] senders = ["t", "ended", "f", "stranger"];
        var forwarded = new HashSet<(string, long)>();
        foreach (var e in events)
        {
            var (sender, version) = (senders[e % senders.Length], (long)(e / senders.Length % 8));
            var verdict = list.Accept(sender, version, Now);
            if (verdict == DeliveryVerdict.NotSubscribed && sender != "stranger")
                return false;
            if (verdict == DeliveryVerdict.Forward && (!forwarded.Add((sender, version)) || (sender is "f" or "ended" && !friendsOn)))
                return false;
        }
        return true;
    }

    private sealed class Switch : IFriendNotificationSwitch
    {
        public bool On { get; set; }

        public bool IsOn(string org, string app) => On;
    }
}
