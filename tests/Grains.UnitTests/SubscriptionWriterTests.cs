using Microsoft.Extensions.Logging.Abstractions;

namespace Presence.Grains.UnitTests;

public sealed class SubscriptionWriterTests
{
    private const long Now = 1_000_000;
    private const string App = "org/app/";
    private const string Me = App + "me";

    private readonly FakeTargets _targets = new();
    private readonly InMemorySubscriptionTable _table = new();
    private readonly List<(string Target, SubscriptionEndReason Reason)> _ended = [];
    private readonly SubscriptionBook _book;
    private int _fences;
    private Exception? _fenceFailure;

    public SubscriptionWriterTests() => _book = new SubscriptionBook("me", maxSubscriptions: 2, maxPageSize: 500);

    private SubscriptionWriter Writer() => new(
        _book, _targets, _table,
        fence: () => { _fences++; return _fenceFailure is null ? Task.CompletedTask : Task.FromException(_fenceFailure); },
        requestUntil: expiresAt => new WatchRequest("me", expiresAt, false, 0, null),
        ended: (targets, reason) => _ended.AddRange(targets.Select(t => (t, reason))),
        Me, App, NullLogger.Instance);

    private async Task<Dictionary<string, long>> RowsAsync() =>
        (await _table.ReadBySubscriberAsync(Me, CancellationToken.None)).ToDictionary(r => r.Target[App.Length..], r => r.ExpiresAt.ToUnixTimeSeconds());

    [Fact]
    public async Task Subscribe_WritesRowsAndBookForAdmittedTargets_AndListsFullOnes()
    {
        _targets.Full.Add("c");

        var result = await Writer().SubscribeAsync(["B", "c"], Now + 60, Now);

        Assert.Equal(["b"], result.Subscribed.Select(s => s.Presence.Uid));
        Assert.Equal(["c"], result.Failed);
        Assert.Equal(new Dictionary<string, long> { ["b"] = Now + 60 }, await RowsAsync());
        Assert.True(_book.IsLive("b", Now));
        Assert.Equal(1, _fences);
    }

    [Fact]
    public async Task Subscribe_SetsTargetsBackAndChangesNothing_WhenATargetCallFails()
    {
        await Writer().SubscribeAsync(["b"], Now + 60, Now);
        _targets.Failing.Add("c");

        await Assert.ThrowsAsync<TimeoutException>(() => Writer().SubscribeAsync(["b", "c", "d"], Now + 600, Now));

        Assert.Equal(new Dictionary<string, long> { ["b"] = Now + 60 }, await RowsAsync());
        Assert.Equal(Now + 60, _targets.Watching["b"]); // re-admitted until its previous expiry
        Assert.False(_targets.Watching.ContainsKey("d")); // released
    }

    [Fact]
    public async Task Subscribe_SetsTargetsBack_WhenTheFencedWriteFails()
    {
        _fenceFailure = new StorageUnavailableException("down");

        await Assert.ThrowsAsync<StorageUnavailableException>(() => Writer().SubscribeAsync(["b"], Now + 60, Now));

        Assert.Empty(await RowsAsync());
        Assert.Equal(0, _book.Count);
        Assert.Empty(_targets.Watching);
    }

    [Fact]
    public async Task Subscribe_PastTheCap_EndsTheEvictedOnes_TellsTheDevicesAndReleasesThem()
    {
        await Writer().SubscribeAsync(["a"], Now + 10, Now);
        await Writer().SubscribeAsync(["b"], Now + 20, Now);

        await Writer().SubscribeAsync(["c"], Now + 30, Now);

        Assert.Equal(["b", "c"], (await RowsAsync()).Keys.Order());
        Assert.Equal([("a", SubscriptionEndReason.Evicted)], _ended);
        Assert.False(_targets.Watching.ContainsKey("a"));
    }

    [Fact]
    public async Task Unsubscribe_WithNoNames_EndsAll_AndIsFencedEvenWhenNothingIsKnown()
    {
        await Writer().SubscribeAsync(["a", "b"], Now + 10, Now);

        Assert.Equal(2, await Writer().UnsubscribeAsync([]));
        Assert.Equal(0, await Writer().UnsubscribeAsync(["nobody"]));

        Assert.Empty(await RowsAsync());
        Assert.Empty(_targets.Watching);
        Assert.Equal(3, _fences);
        Assert.Empty(_ended); // asked for: the devices are not told
    }

    [Fact]
    public async Task Expire_EndsDueSubscriptionsOnly()
    {
        await Writer().SubscribeAsync(["a"], Now + 10, Now);
        await Writer().SubscribeAsync(["b"], Now + 20, Now);

        await Writer().ExpireAsync(Now + 10);

        Assert.Equal(["b"], (await RowsAsync()).Keys);
        Assert.Equal([("a", SubscriptionEndReason.Expired)], _ended);
        Assert.Equal(["b"], _targets.Watching.Keys);
    }

    [Fact]
    public async Task TargetDeleted_DeletesTheRow_EndsTheSubscription_AndTellsTheDevices_Unfenced()
    {
        await Writer().SubscribeAsync(["b", "c"], Now + 60, Now);
        var fences = _fences;

        await Writer().TargetDeletedAsync("b");
        await Writer().TargetDeletedAsync("stranger");

        Assert.Equal(new Dictionary<string, long> { ["c"] = Now + 60 }, await RowsAsync());
        Assert.False(_book.TryGetExpiry("b", out _));
        Assert.Equal([("b", SubscriptionEndReason.Deleted)], _ended);
        Assert.Equal(fences, _fences);
    }

    /// <summary>Targets as plain objects: who watches them is a map; some are full, some fail.</summary>
    private sealed class FakeTargets : IWatchedUsers
    {
        public Dictionary<string, long> Watching { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Full { get; } = [];

        public HashSet<string> Failing { get; } = [];

        public ValueTask<WatchResult> AdmitAsync(string key, WatchRequest request)
        {
            var name = key[App.Length..];
            if (Failing.Contains(name))
                return ValueTask.FromException<WatchResult>(new TimeoutException(name));
            var presence = PresenceSnapshot.Empty(name);
            if (Full.Contains(name))
                return ValueTask.FromResult(new WatchResult(false, presence));
            Watching[name] = request.ExpiresAtUnixSeconds;
            return ValueTask.FromResult(new WatchResult(true, presence));
        }

        public Task ReleaseAsync(string target)
        {
            Watching.Remove(target);
            return Task.CompletedTask;
        }
    }
}
