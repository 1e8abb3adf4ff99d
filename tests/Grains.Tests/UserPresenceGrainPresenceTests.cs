namespace Presence.Grains.Tests;

[Collection(DefaultClusterCollection.Name)]
public sealed class UserPresenceGrainPresenceTests(DefaultCluster cluster)
{
    private readonly TestApp _app = cluster.NewApp();

    [Fact]
    public async Task GetPresence_ReturnsEmptyUnloginedSnapshot_WhenUserNeverSetStatus()
    {
        var presence = await _app.User("Nobody").GetPresenceAsync();

        Assert.Equal("nobody", presence.Uid);
        Assert.Equal(0, presence.LastTime);
        Assert.Equal("", presence.Ext);
        Assert.Empty(presence.Status);
        Assert.Equal(0, presence.Version);
        Assert.Equal(PresenceStatusType.Unlogined, presence.StatusType);
        Assert.False((await _app.StoredStateAsync("nobody")).RecordExists);
    }

    [Fact]
    public async Task SetStatus_MovesLastTimeToNow_WhenResourceLogsInAndOut()
    {
        var user = _app.User("u1");

        _app.Clock.Advance(TimeSpan.FromSeconds(10));
        var loginAt = _app.NowSeconds;
        var online = await user.SetStatusAsync("android_1", "1", "");
        _app.Clock.Advance(TimeSpan.FromSeconds(5));
        var logoutAt = _app.NowSeconds;
        var offline = await user.SetStatusAsync("android_1", "0", "");

        Assert.Equal(loginAt, online.LastTime);
        Assert.Equal(PresenceStatusType.Online, online.StatusType);
        Assert.Equal(logoutAt, offline.LastTime);
        Assert.Equal("0", offline.Status["android_1"]); // offline resources stay listed
        Assert.Equal(PresenceStatusType.Offline, offline.StatusType);
    }

    [Fact]
    public async Task SetStatus_KeepsLastTime_WhenStatusMovesBetweenOnlineAndCustom()
    {
        var user = _app.User("u1");
        var login = await user.SetStatusAsync("web", "1", "");

        _app.Clock.Advance(TimeSpan.FromMinutes(1));
        var busy = await user.SetStatusAsync("web", "busy", "in a meeting");
        _app.Clock.Advance(TimeSpan.FromMinutes(1));
        var back = await user.SetStatusAsync("web", "1", null);

        Assert.Equal(login.LastTime, busy.LastTime);
        Assert.Equal(login.LastTime, back.LastTime);
        Assert.Equal("busy", busy.Status["web"]);
        Assert.Equal(PresenceStatusType.Online, busy.StatusType);
    }

    [Fact]
    public async Task SetStatus_BumpsVersionOnEachChange_AndWritesNothing_WhenNothingChanges()
    {
        var user = _app.User("u1");

        var v1 = await user.SetStatusAsync("ios", "1", "a");
        var v2 = await user.SetStatusAsync("ios", "busy", "a");
        var v3 = await user.SetStatusAsync("ios", "busy", "b");
        var v4 = await user.SetStatusAsync("android", "1", null);
        var storedBefore = (await _app.StoredStateAsync("u1")).ETag;
        var same = await user.SetStatusAsync("ios", "busy", "b");
        var sameWithNullExt = await user.SetStatusAsync("android", "1", null);
        var storedAfter = (await _app.StoredStateAsync("u1")).ETag;
        _app.Clock.Advance(TimeSpan.FromSeconds(1));
        var offlineOnUnknown = await user.SetStatusAsync("web", "0", null); // docs/api.md#r1-set-a-status: recorded as "0", not a login

        Assert.Equal([1L, 2L, 3L, 4L], [v1.Version, v2.Version, v3.Version, v4.Version]);
        Assert.Equal(4, same.Version);
        Assert.Equal(4, sameWithNullExt.Version);
        Assert.Equal(storedBefore, storedAfter);
        Assert.Equal(5, offlineOnUnknown.Version);
        Assert.Equal("0", offlineOnUnknown.Status["web"]);
        Assert.Equal(v4.LastTime, offlineOnUnknown.LastTime);
        Assert.Equal(5, (await _app.StoredStateAsync("u1")).State.Version);
    }

    [Fact]
    public async Task SetStatus_SetsExt_AndKeepsItWhenExtIsNull()
    {
        var user = _app.User("u1");

        var set = await user.SetStatusAsync("ios", "1", "busy");
        var kept = await user.SetStatusAsync("android", "1", null);
        var extOnly = await user.SetStatusAsync("android", "1", "away");
        var cleared = await user.SetStatusAsync("android", "1", "");

        Assert.Equal("busy", set.Ext);
        Assert.Equal("busy", kept.Ext);
        Assert.Equal("away", extOnly.Ext);
        Assert.Equal(kept.Version + 1, extOnly.Version);
        Assert.Equal(kept.LastTime, extOnly.LastTime);
        Assert.Equal("", cleared.Ext);
    }

    [Fact]
    public async Task SetStatus_Throws_WhenExtIsTooBig()
    {
        var user = _app.User("u1");

        var error = await Assert.ThrowsAsync<ArgumentException>(() => user.SetStatusAsync("ios", "1", new string('é', 33)));

        Assert.StartsWith("ext is too big ", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, (await user.GetPresenceAsync()).Version);
    }

    [Fact]
    public async Task SetStatus_EvictsOldestOfflineResourceFirst_ThenOldestOnline_WhenOverResourceLimit()
    {
        var user = _app.User("u1");
        for (var i = 0; i < 32; i++)
        {
            await user.SetStatusAsync($"web_{i}", "1", "");
            _app.Clock.Advance(TimeSpan.FromSeconds(1));
        }
        await user.SetStatusAsync("web_10", "0", null); // offline first, so older offline
        _app.Clock.Advance(TimeSpan.FromSeconds(1));
        await user.SetStatusAsync("web_5", "0", null);
        _app.Clock.Advance(TimeSpan.FromSeconds(1));

        var first = await user.SetStatusAsync("web_32", "1", null);
        var second = await user.SetStatusAsync("web_33", "1", null);
        var third = await user.SetStatusAsync("web_34", "1", null);

        Assert.Equal(32, first.Status.Count);
        Assert.False(first.Status.ContainsKey("web_10"));
        Assert.True(first.Status.ContainsKey("web_5"));
        Assert.True(first.Status.ContainsKey("web_0"));
        Assert.False(second.Status.ContainsKey("web_5"));
        Assert.True(second.Status.ContainsKey("web_0"));
        Assert.Equal(32, third.Status.Count);
        Assert.False(third.Status.ContainsKey("web_0")); // no offline left: the oldest online goes
        Assert.True(third.Status.ContainsKey("web_1"));
        Assert.True(third.Status.ContainsKey("web_34"));
    }
}
