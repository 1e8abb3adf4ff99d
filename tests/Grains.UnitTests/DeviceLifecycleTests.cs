using Microsoft.Extensions.Time.Testing;

namespace Presence.Grains.UnitTests;

public sealed class DeviceLifecycleTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(15);
    private readonly FakeTimeProvider _clock = Fakes.Clock();
    private readonly DeviceSet _devices;
    private readonly PresenceDocument _presence;

    public DeviceLifecycleTests()
    {
        _devices = new DeviceSet(Fakes.SameDevice, Fakes.SameHub, _clock, _clock);
        _presence = Fakes.Document(_clock);
    }

    private DeviceLifecycle Lifecycle(TimeSpan grace) => new(_devices, _presence, grace);

    private void Online(string resource) => _presence.Change(() =>
    {
        _presence.Connect(resource);
        return true;
    });

    [Fact]
    public void Disconnect_IsHeld_OnlyWhenDropped_OnlineThroughItsConnection_AndTheGraceIsOn()
    {
        Online("web");
        var off = Lifecycle(TimeSpan.Zero);
        var on = Lifecycle(Grace);

        Assert.False(off.Holds("web", logout: false, _clock.GetUtcNow()));
        Assert.False(on.Holds("web", logout: true, _clock.GetUtcNow()));
        Assert.False(on.Holds("ios", logout: false, _clock.GetUtcNow())); // not online
        Assert.True(on.Holds("web", logout: false, _clock.GetUtcNow()));
        Assert.Equal(_clock.GetUtcNow() + Grace, on.GraceDue);
        Assert.True(on.KeepsActivation(connectedWatchers: 0));
        Assert.False(off.KeepsActivation(connectedWatchers: 0));
        Assert.True(off.KeepsActivation(connectedWatchers: 1));
    }

    [Fact]
    public void KeepAliveChange_IsToldOnlyWhenItChanges()
    {
        Online("web");
        var lifecycle = Lifecycle(Grace);
        Assert.Null(lifecycle.KeepAliveChange(connectedWatchers: 0));
        Assert.True(lifecycle.KeepAliveChange(connectedWatchers: 1));
        Assert.Null(lifecycle.KeepAliveChange(connectedWatchers: 2));

        lifecycle.Holds("web", logout: false, _clock.GetUtcNow());
        Assert.Null(lifecycle.KeepAliveChange(connectedWatchers: 0)); // the held connection keeps it
        lifecycle.TakeEndedGraces(_clock.GetUtcNow() + Grace);
        Assert.False(lifecycle.KeepAliveChange(connectedWatchers: 0));
    }

    [Fact]
    public void Connect_Resumes_OnlyAHeldResource_WithNoDeviceRegistered_AndEndsItsGraceEitherWay()
    {
        Online("web");
        var lifecycle = Lifecycle(Grace);
        Assert.False(lifecycle.Resumes("web")); // not held: a login

        lifecycle.Holds("web", logout: false, _clock.GetUtcNow());
        _devices.Add("web", new FakeDevice("d1"), hub: null, resync: false);
        Assert.False(lifecycle.Resumes("web")); // a device holds it already
        Assert.Null(lifecycle.GraceDue);

        _devices.Remove(["web"]);
        lifecycle.Holds("web", logout: false, _clock.GetUtcNow());
        Assert.True(lifecycle.Resumes("web"));
        Assert.False(lifecycle.KeepsActivation(connectedWatchers: 0));
    }

    [Fact]
    public void Renew_RenewsTheCurrentDevice_EndsAnother_TakesBackAConnectionStillOnline_ElseALogin()
    {
        var device = new FakeDevice("d1");
        var lifecycle = Lifecycle(Grace);
        Assert.Equal(DeviceRenewal.Login, lifecycle.Renew("web", device));

        Online("web");
        lifecycle.Holds("web", logout: false, _clock.GetUtcNow());
        Assert.Equal(DeviceRenewal.TakenBack, lifecycle.Renew("web", device));
        Assert.Null(lifecycle.GraceDue); // taken back: its grace is over

        _devices.Add("web", device, hub: null, resync: false);
        Assert.Equal(DeviceRenewal.Renewed, lifecycle.Renew("web", device));
        Assert.Equal(DeviceRenewal.Replaced, lifecycle.Renew("web", new FakeDevice("d2")));
    }

    [Fact]
    public void Orphans_AreOnlineConnections_NeitherADeviceNorAGraceHolds()
    {
        Online("web");
        Online("ios");
        Online("mac");
        var lifecycle = Lifecycle(Grace);
        _devices.Add("web", new FakeDevice("d1"), hub: null, resync: false);
        lifecycle.Holds("ios", logout: false, _clock.GetUtcNow());

        Assert.Equal(["mac"], lifecycle.Orphans());
    }

    [Fact]
    public void EndEvicted_EndsTheDevicesWhoseResourceIsGone()
    {
        Online("web");
        var kept = new FakeDevice("web");
        var evicted = new FakeDevice("ios");
        _devices.Add("web", kept, hub: null, resync: false);
        _devices.Add("ios", evicted, hub: null, resync: false);

        Lifecycle(Grace).EndEvicted();

        Assert.Equal([SessionEndReason.Replaced], evicted.SessionsEnded);
        Assert.Empty(kept.SessionsEnded);
        Assert.True(_devices.Has("web"));
        Assert.False(_devices.Has("ios"));
    }

    [Fact]
    public void EndedGraces_AreTakenWhenDue_AndHeldAgainWhenTheirWriteFails()
    {
        Online("web");
        var lifecycle = Lifecycle(Grace);
        var droppedAt = _clock.GetUtcNow();
        lifecycle.Holds("web", logout: false, droppedAt);

        Assert.Empty(lifecycle.TakeEndedGraces(droppedAt + Grace - TimeSpan.FromTicks(1)));
        var ended = lifecycle.TakeEndedGraces(droppedAt + Grace);
        Assert.Equal([("web", droppedAt)], ended);
        Assert.Null(lifecycle.GraceDue);

        lifecycle.HoldAgain(ended);
        Assert.Equal(droppedAt + Grace, lifecycle.GraceDue);
        Assert.Empty(Lifecycle(TimeSpan.Zero).TakeEndedGraces(droppedAt + Grace));
    }
}
