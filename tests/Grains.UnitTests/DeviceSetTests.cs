using Microsoft.Extensions.Time.Testing;

namespace Presence.Grains.UnitTests;

public sealed class DeviceSetTests
{
    private readonly FakeTimeProvider _leases = Fakes.Clock();
    private readonly FakeTimeProvider _clock = Fakes.Clock();
    private readonly FakeHub _gateway1 = new("gateway-1");
    private readonly FakeHub _gateway2 = new("gateway-2");

    private DeviceSet Devices() => new(Fakes.SameDevice, Fakes.SameHub, _leases, _clock);

    [Fact]
    public void FirstDevice_IsAConnectionChange_WithANewEpochAndItsHub()
    {
        var devices = Devices();

        var announcement = devices.Add("web", new FakeDevice("web"), _gateway1, resync: false);

        Assert.Equal(new Announcement(Connected: true, Resync: false, ConnectionChanged: true), announcement);
        Assert.True(devices.ConnectionEpoch > 0);
        Assert.Equal([_gateway1], devices.AnnouncedHubs);
    }

    [Fact]
    public void SecondDevice_IsAnnouncedOnlyWhenItIsInAnotherProcess()
    {
        var devices = Devices();
        devices.Add("web", new FakeDevice("web"), _gateway1, resync: false);
        var epoch = devices.ConnectionEpoch;

        Assert.Null(devices.Add("ios", new FakeDevice("ios"), _gateway1, resync: false));
        Assert.Equal(epoch, devices.ConnectionEpoch);

        var moved = devices.Add("mac", new FakeDevice("mac"), _gateway2, resync: false);
        Assert.Equal(new Announcement(Connected: true, Resync: false, ConnectionChanged: false), moved);
        Assert.True(devices.ConnectionEpoch > epoch);
        Assert.Equal(2, devices.AnnouncedHubs!.Length);
    }

    [Fact]
    public void End_EndsTheSessionsOfTheDevicesItNames_AndDropsThem()
    {
        var devices = Devices();
        var web = new FakeDevice("web");
        var ios = new FakeDevice("ios");
        Assert.Null(devices.End(static _ => true, SessionEndReason.UserDeleted));
        devices.Add("web", web, _gateway1, resync: false);
        devices.Add("ios", ios, _gateway1, resync: false);

        Assert.Null(devices.End(r => r == "ios", SessionEndReason.Replaced)); // same hubs, still connected: nothing to announce
        Assert.Equal([SessionEndReason.Replaced], ios.SessionsEnded);
        Assert.Empty(web.SessionsEnded);
        Assert.False(devices.Has("ios"));

        var last = devices.End(static _ => true, SessionEndReason.UserDeleted);
        Assert.Equal(new Announcement(Connected: false, Resync: false, ConnectionChanged: true), last);
        Assert.Equal([SessionEndReason.UserDeleted], web.SessionsEnded);
        Assert.Equal(0, devices.Count);
    }

    [Fact]
    public void DeliveryHubs_AreNull_WhenSomeDeviceHasNone()
    {
        var devices = Devices();
        devices.Add("web", new FakeDevice("web"), _gateway1, resync: false);

        devices.Add("cli", new FakeDevice("cli"), hub: null, resync: false);

        Assert.Null(devices.DeliveryHubs());
        Assert.Null(devices.AnnouncedHubs);
    }

    [Fact]
    public void LastDeviceLeaving_IsAConnectionChange()
    {
        var devices = Devices();
        devices.Add("web", new FakeDevice("web"), _gateway1, resync: false);
        devices.Add("ios", new FakeDevice("ios"), _gateway1, resync: false);

        Assert.Null(devices.Remove(["web"]));
        Assert.Equal(new Announcement(Connected: false, Resync: false, ConnectionChanged: true), devices.Remove(["ios"]));
        Assert.Null(devices.Remove(["ios"]));
        Assert.Null(devices.AnnouncedHubs);
    }

    [Fact]
    public void Lease_ExpiresOnlyWhenNotRenewedWithinTheTimeout()
    {
        var devices = Devices();
        var web = new FakeDevice("web");
        devices.Add("web", web, _gateway1, resync: false);
        devices.Add("ios", new FakeDevice("ios"), _gateway1, resync: false);

        _leases.Advance(TimeSpan.FromSeconds(40));
        devices.Renew("ios");
        _leases.Advance(TimeSpan.FromSeconds(21));

        Assert.Equal([("web", (IPresenceObserver)web)], devices.ExpiredLeases(TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public void ReplacedConnection_IsNotCurrent_AndIsTheOtherOne()
    {
        var devices = Devices();
        var first = new FakeDevice("first");
        var second = new FakeDevice("second");
        devices.Add("web", first, _gateway1, resync: false);

        Assert.Same(first, devices.Other("web", second));
        devices.Add("web", second, _gateway1, resync: false);

        Assert.False(devices.IsCurrent("web", first));
        Assert.True(devices.IsCurrent("web", second));
        Assert.Null(devices.Other("web", second));
    }

    [Fact]
    public void NextEpoch_Grows_EvenWhenTheClockStandsStill()
    {
        var devices = Devices();

        var first = devices.NextEpoch();
        var second = devices.NextEpoch();

        Assert.True(second > first);
    }
}
