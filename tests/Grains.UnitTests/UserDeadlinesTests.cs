using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Presence.Grains.UnitTests;

public sealed class UserDeadlinesTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(15);
    private readonly PresenceLimits _limits = new();
    private readonly FakeTimeProvider _clock = Fakes.Clock();
    private readonly WakeUpSchedule _schedule;
    private readonly PresenceDocument _presence;
    private readonly DeviceSet _devices;
    private readonly DeviceLifecycle _lifecycle;
    private readonly UserDeadlines _deadlines;

    /// <summary>What the grain was asked to do, in order.</summary>
    private readonly List<string> _calls = [];
    private readonly List<WebhookCause> _causes = [];
    private bool _commitFails;

    public UserDeadlinesTests()
    {
        _schedule = new WakeUpSchedule(_limits);
        _presence = Fakes.Document(_clock, _limits);
        _devices = new DeviceSet(Fakes.SameDevice, Fakes.SameHub, _clock, _clock);
        _lifecycle = new DeviceLifecycle(_devices, _presence, Grace);
        _deadlines = new UserDeadlines(_schedule, _presence, _devices, _lifecycle, _limits.OrphanedConnectionTimeout, _clock,
            commit: (change, cause) =>
            {
                _causes.Add(cause);
                return _commitFails ? throw new StorageUnavailableException("down") : Task.FromResult(_presence.Change(change));
            },
            publish: () => _calls.Add("publish"),
            disconnect: (resource, _) => { _calls.Add("disconnect " + resource); return Task.CompletedTask; },
            expireSubscriptions: () => { _calls.Add("expire"); return Task.CompletedTask; },
            keepAlive: () => _calls.Add("keep-alive"),
            "org/app/alice", NullLogger.Instance);
    }

    private void Online(string resource) => _presence.Change(() => _presence.Connect(resource));

    [Fact]
    public async Task Timer_RunsTheDueWork_InOrder()
    {
        await _deadlines.RunAsync(WakeUp.SubscriptionExpiry | WakeUp.PublishWindow);

        Assert.Equal(["publish", "expire"], _calls);
    }

    [Fact]
    public async Task Orphans_GoOffline_OnlyOnceAFreshActivationGaveTheirDevicesTimeToComeBack()
    {
        Online("web");
        _schedule.Activated(_clock.GetUtcNow(), connectionsHoldResources: true);

        await _deadlines.CheckDurableAsync();
        Assert.True(_presence.IsOnline);
        Assert.Equal(["expire"], _calls);

        _clock.Advance(_limits.OrphanedConnectionTimeout);
        await _deadlines.RunAsync(WakeUp.OrphanCheck);
        Assert.False(_presence.IsOnline);
        Assert.Equal(["expire", "publish"], _calls);
        Assert.Equal(WebhookCause.TimedOut, _causes[^1]);
    }

    [Fact]
    public async Task ExpiredLeases_AreDisconnected()
    {
        _devices.Add("web", new FakeDevice("web"), hub: null, resync: false);
        _clock.Advance(_limits.OrphanedConnectionTimeout);
        await _deadlines.RunAsync(WakeUp.LeaseCheck);
        Assert.Empty(_calls);

        _clock.Advance(TimeSpan.FromSeconds(1));
        await _deadlines.RunAsync(WakeUp.LeaseCheck);
        Assert.Equal(["disconnect web"], _calls);
    }

    [Fact]
    public async Task EndedGraces_GoOffline_AndAreHeldAgainWhenThatCannotBeStored()
    {
        Online("web");
        _lifecycle.Holds("web", logout: false, _clock.GetUtcNow());
        _clock.Advance(Grace);

        _commitFails = true;
        await Assert.ThrowsAsync<StorageUnavailableException>(() => _deadlines.RunAsync(WakeUp.ReconnectGrace));
        Assert.NotNull(_lifecycle.GraceDue);
        Assert.True(_presence.IsOnline);

        _commitFails = false;
        await _deadlines.RunAsync(WakeUp.ReconnectGrace);
        Assert.Null(_lifecycle.GraceDue);
        Assert.False(_presence.IsOnline);
        Assert.Equal(["publish", "keep-alive"], _calls);
        Assert.Equal(WebhookCause.Disconnect(logout: false), _causes[^1]);
    }

    [Fact]
    public async Task Ext_IsClearedAndPublished_WhenItsGraceEnds()
    {
        _presence.Change(() => _presence.SetStatus("web", "1", "in a meeting", heldByDevice: false));
        _presence.Change(() => _presence.Disconnect("web", logout: false));
        Assert.NotNull(_presence.ExtClearAt);

        await _deadlines.RunAsync(WakeUp.ExtGrace);
        Assert.Empty(_calls);

        _clock.Advance(_limits.ExtGracePeriod);
        await _deadlines.RunAsync(WakeUp.ExtGrace);
        Assert.Null(_presence.ExtClearAt);
        Assert.Equal(["publish"], _calls);
    }
}
