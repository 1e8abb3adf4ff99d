using Microsoft.Extensions.Time.Testing;
using Presence.Webhooks;

namespace Presence.Grains.UnitTests;

/// <summary>The events a committed change produces per rule (no silo): logins and logouts from the state, lost and replaced from the cause.</summary>
public sealed class WebhookEventsTests
{
    private static readonly WebhookRule Easemob = new("org/app/0", WebhookFormat.Easemob, WebhookEventKinds.Default);
    private static readonly WebhookRule Tencent = new("org/app/1", WebhookFormat.Tencent, WebhookEventKinds.Default | WebhookEventKinds.Status);
    private static readonly WebhookRule StatusOnly = new("org/app/2", WebhookFormat.Easemob, WebhookEventKinds.Status);

    private readonly FakeTimeProvider _clock = Fakes.Clock();
    private readonly PresenceDocument _presence;
    private readonly FakePersistentState<UserPresenceState> _state;
    private readonly List<IReadOnlyList<WebhookEvent>?> _written = [];
    private readonly PresenceCommitter _committer;

    public WebhookEventsTests()
    {
        _presence = Fakes.Document(_clock);
        _state = new FakePersistentState<UserPresenceState>(_presence.State);
        _state.OnWrite = () => _written.Add(((IWebhookEventCarrier)_state.State).PendingWebhooks);
        var events = new WebhookEvents("org", "app", "alice", [Easemob, Tencent, StatusOnly], _clock);
        _committer = new PresenceCommitter(_state, _presence, new LocalSnapshotEntry(new LocalPresenceSnapshots(), UserKey.Create("org", "app", "alice")), events);
    }

    [Fact]
    public async Task Connect_IsALogin_ForEveryRuleThatWantsIt_OnTheSameWrite()
    {
        await Connect("android_1", replacing: false);

        var events = Assert.Single(_written)!;
        Assert.Equal([Easemob.Id, Tencent.Id], events.Select(static e => e.Rule));
        Assert.All(events, static e =>
        {
            Assert.Equal(WebhookEventKind.Login, e.Kind);
            Assert.Equal("android_1", e.Resource);
            Assert.Equal("alice", e.Username);
            Assert.Equal("org/app/alice", e.UserKey);
            Assert.Equal(1, e.Version);
        });
        Assert.Equal(Fakes.Start.ToUnixTimeMilliseconds(), events[0].OccurredAtMs);
        Assert.NotEqual(events[0].Id, events[1].Id);
        Assert.Null(((IWebhookEventCarrier)_presence.State).PendingWebhooks); // one write only
    }

    [Fact]
    public async Task SecondConnection_ForTheSameResource_IsReplaced_ThenLogin_AndTencentGetsTheKickedDevice()
    {
        await Connect("ios", replacing: false);
        await Connect("ios", replacing: true);

        var events = _written[1]!;
        Assert.Equal([(Easemob.Id, WebhookEventKind.Replaced), (Easemob.Id, WebhookEventKind.Login), (Tencent.Id, WebhookEventKind.Login)],
            events.Select(static e => (e.Rule, e.Kind)));
        Assert.Equal("ios", events.Single(static e => e.Rule == Tencent.Id).Kicked);
    }

    [Theory]
    [InlineData("logout", WebhookEventKind.Logout, WebhookLostCause.None)]
    [InlineData("linkclose", WebhookEventKind.Lost, WebhookLostCause.LinkClose)]
    [InlineData("timeout", WebhookEventKind.Lost, WebhookLostCause.TimeOut)]
    public async Task Disconnect_IsALogoutOrALostDevice_AsItsCauseSays(string how, WebhookEventKind kind, WebhookLostCause lost)
    {
        var cause = Enum.Parse<WebhookCauseKind>(how, ignoreCase: true);
        await Connect("web", replacing: false);
        await _committer.CommitAsync(() => _presence.Disconnect("web", logout: cause == WebhookCauseKind.Logout), NoBackstop, new WebhookCause(cause));

        var events = _written[1]!;
        Assert.All(events, e =>
        {
            Assert.Equal(kind, e.Kind);
            Assert.Equal(lost, e.Cause);
            Assert.Equal("0", e.Status);
        });
    }

    [Fact]
    public async Task Rest_ToAndFromZero_IsLoginAndLogout_OtherStatusesAreStatusEvents()
    {
        await Rest("pc", "1", null);
        await Rest("pc", "busy", null);
        await Rest("pc", "busy", "at lunch");
        await Rest("pc", "0", null);

        Assert.Equal([WebhookEventKind.Login, WebhookEventKind.Login], _written[0]!.Select(static e => e.Kind));
        Assert.Equal([StatusOnly.Id], _written[1]!.Select(static e => e.Rule)); // Tencent has no status event; Easemob's rule did not ask
        Assert.Equal("at lunch", Assert.Single(_written[2]!).Ext);
        Assert.Equal([WebhookEventKind.Logout, WebhookEventKind.Logout], _written[3]!.Select(static e => e.Kind));
    }

    [Fact]
    public async Task FirstStatusZero_IsNoLogin()
    {
        await Rest("pc", "0", null);

        Assert.Null(Assert.Single(_written));
    }

    [Fact]
    public async Task App_WithoutRules_CarriesNothing()
    {
        var presence = Fakes.Document(_clock);
        var state = new FakePersistentState<UserPresenceState>(presence.State);
        IReadOnlyList<WebhookEvent>? carried = [];
        state.OnWrite = () => carried = ((IWebhookEventCarrier)state.State).PendingWebhooks;
        var committer = new PresenceCommitter(state, presence, new LocalSnapshotEntry(new LocalPresenceSnapshots(), UserKey.Create("org", "app", "alice")));

        await committer.CommitAsync(() =>
        {
            presence.Connect("web");
            return true;
        }, NoBackstop, WebhookCause.Connect("web", replacing: false));

        Assert.Null(carried);
    }

    [Fact]
    public async Task FailedWrite_DropsItsEvents_AndTheNextWriteCarriesOnlyItsOwn()
    {
        _state.FailNextWrite = true;
        await Assert.ThrowsAsync<StorageUnavailableException>(() => Connect("web", replacing: false));
        await Rest("pc", "1", null);

        Assert.Equal(2, _written.Count);
        Assert.All(_written[1]!, static e => Assert.Equal("pc", e.Resource));
    }

    private Task Connect(string resource, bool replacing) =>
        _committer.CommitAsync(() =>
        {
            _presence.Connect(resource);
            return true;
        }, NoBackstop, WebhookCause.Connect(resource, replacing));

    private Task Rest(string resource, string status, string? ext) =>
        _committer.CommitAsync(() => _presence.SetStatus(resource, status, ext, heldByDevice: false), NoBackstop, WebhookCause.Rest);

    private static Task NoBackstop() => Task.CompletedTask;
}
