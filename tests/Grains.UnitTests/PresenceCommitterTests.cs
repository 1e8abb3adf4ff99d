namespace Presence.Grains.UnitTests;

public sealed class PresenceCommitterTests
{
    private static readonly UserKey Alice = UserKey.Create("org", "app", "alice");
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _clock = Fakes.Clock();
    private readonly LocalPresenceSnapshots _snapshots = new();
    private readonly PresenceDocument _presence;
    private readonly FakePersistentState<UserPresenceState> _state;
    private readonly LocalSnapshotEntry _local;
    private readonly PresenceCommitter _committer;

    public PresenceCommitterTests()
    {
        _presence = Fakes.Document(_clock);
        _state = new FakePersistentState<UserPresenceState>(_presence.State);
        _local = new LocalSnapshotEntry(_snapshots, Alice);
        _committer = new PresenceCommitter(_state, _presence, _local);
    }

    [Fact]
    public async Task Change_IsWrittenOnce_WithTheNextVersion()
    {
        var checkpoint = await _committer.CommitAsync(() => _presence.SetStatus("web", "1", "hi", heldByDevice: false), NoBackstop);

        Assert.NotNull(checkpoint);
        var written = Assert.Single(_state.Written);
        Assert.Same(_presence.State, written);
        Assert.Equal(1, _presence.Snapshot().Version);
    }

    [Fact]
    public async Task NoChange_WritesNothing()
    {
        Assert.Null(await _committer.CommitAsync(static () => false, NoBackstop));
        Assert.Empty(_state.Written);
        Assert.Equal(0, _presence.Snapshot().Version);
    }

    [Fact]
    public async Task FailedWrite_SetsTheDocumentBack_AndShowsNothingLocally()
    {
        await _committer.CommitAsync(() => _presence.SetStatus("web", "1", "hi", heldByDevice: false), NoBackstop);
        _local.Show(_presence.Snapshot());
        var before = _presence.Snapshot();
        _state.FailNextWrite = true;

        await Assert.ThrowsAsync<StorageUnavailableException>(() =>
            _committer.CommitAsync(() => _presence.SetStatus("web", "busy", null, heldByDevice: false), NoBackstop));

        Assert.Equal(before.Version, _presence.Snapshot().Version);
        Assert.Equal("1", _presence.Snapshot().Status["web"]);
        Assert.Same(_presence.State, _state.State); // the next write stores the state as it was
        Assert.False(_snapshots.TryGet(Alice, out _)); // withdrawn when the write began: it might have failed
    }

    [Fact]
    public async Task StartedGrace_ArmsItsBackstop_BeforeTheWrite()
    {
        _presence.Connect("web");
        await _committer.CommitAsync(() => _presence.SetStatus("web", "1", "busy", heldByDevice: true), NoBackstop);
        var order = new List<string>();
        _state.OnWrite = () => order.Add("write");

        var checkpoint = await _committer.CommitAsync(() => _presence.Disconnect("web", logout: false), () =>
        {
            order.Add("backstop");
            return Task.CompletedTask;
        });

        Assert.NotNull(checkpoint);
        Assert.NotNull(_presence.ExtClearAt);
        Assert.Equal(["backstop", "write"], order);
    }

    [Fact]
    public async Task Fence_WritesANewRevision_AndTakesItBackWhenTheWriteFails()
    {
        await _committer.FenceAsync();
        Assert.Equal(1, _presence.State.SubscriptionRevision);

        _state.FailNextWrite = true;
        await Assert.ThrowsAsync<StorageUnavailableException>(_committer.FenceAsync);
        Assert.Equal(1, _presence.State.SubscriptionRevision);
    }

    private static Task NoBackstop() => throw new InvalidOperationException("No grace period started.");
}
