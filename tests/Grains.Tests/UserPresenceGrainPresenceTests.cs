namespace Presence.Orleans.Grains.Tests;

public sealed class UserPresenceGrainPresenceTests
{
    [Fact]
    public async Task GetPresence_ReturnsEmptyUnloginedSnapshot_WhenUserNeverSetStatus()
    {
        await using var silo = await PresenceTestSilo.StartAsync();

        var presence = await silo.User("Nobody").GetPresenceAsync();

        Assert.Equal("nobody", presence.Uid);
        Assert.Equal(0, presence.LastTime);
        Assert.Equal("", presence.Ext);
        Assert.Empty(presence.Status);
        Assert.Equal(0, presence.Version);
        Assert.Equal(PresenceStatusType.Unlogined, presence.StatusType);
        Assert.False((await silo.StoredStateAsync("nobody")).RecordExists);
    }

    [Fact]
    public async Task SetStatus_MovesLastTimeToNow_WhenResourceLogsInAndOut()
    {
        await using var silo = await PresenceTestSilo.StartAsync();
        var user = silo.User("u1");

        silo.Clock.Advance(TimeSpan.FromSeconds(10));
        var loginAt = silo.NowSeconds;
        var online = await user.SetStatusAsync("android_1", "1", "");
        silo.Clock.Advance(TimeSpan.FromSeconds(5));
        var logoutAt = silo.NowSeconds;
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
        await using var silo = await PresenceTestSilo.StartAsync();
        var user = silo.User("u1");
        var login = await user.SetStatusAsync("web", "1", "");

        silo.Clock.Advance(TimeSpan.FromMinutes(1));
        var busy = await user.SetStatusAsync("web", "busy", "in a meeting");
        silo.Clock.Advance(TimeSpan.FromMinutes(1));
        var back = await user.SetStatusAsync("web", "1", null);

        Assert.Equal(login.LastTime, busy.LastTime);
        Assert.Equal(login.LastTime, back.LastTime);
        Assert.Equal("busy", busy.Status["web"]);
        Assert.Equal(PresenceStatusType.Online, busy.StatusType);
    }

    [Fact]
    public async Task SetStatus_BumpsVersionOnEachChange_AndWritesNothing_WhenNothingChanges()
    {
        await using var silo = await PresenceTestSilo.StartAsync();
        var user = silo.User("u1");

        var v1 = await user.SetStatusAsync("ios", "1", "a");
        var v2 = await user.SetStatusAsync("ios", "busy", "a");
        var v3 = await user.SetStatusAsync("ios", "busy", "b");
        var v4 = await user.SetStatusAsync("android", "1", null);
        var storedBefore = (await silo.StoredStateAsync("u1")).ETag;
        var same = await user.SetStatusAsync("ios", "busy", "b");
        var sameWithNullExt = await user.SetStatusAsync("android", "1", null);
        var offlineOnUnknown = await user.SetStatusAsync("web", "0", null); // absent counts as offline

        Assert.Equal([1L, 2L, 3L, 4L], [v1.Version, v2.Version, v3.Version, v4.Version]);
        Assert.Equal(4, same.Version);
        Assert.Equal(4, sameWithNullExt.Version);
        Assert.Equal(4, offlineOnUnknown.Version);
        Assert.False(offlineOnUnknown.Status.ContainsKey("web"));
        Assert.Equal(storedBefore, (await silo.StoredStateAsync("u1")).ETag);
        Assert.Equal(4, (await silo.StoredStateAsync("u1")).State.Version);
    }

    [Fact]
    public async Task SetStatus_SetsExt_AndKeepsItWhenExtIsNull()
    {
        await using var silo = await PresenceTestSilo.StartAsync();
        var user = silo.User("u1");

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
        await using var silo = await PresenceTestSilo.StartAsync();
        var user = silo.User("u1");

        var error = await Assert.ThrowsAsync<ArgumentException>(() => user.SetStatusAsync("ios", "1", new string('é', 33)));

        Assert.StartsWith("ext is too big ", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, (await user.GetPresenceAsync()).Version);
    }

    [Fact]
    public async Task SetStatus_EvictsOldestOfflineResourceFirst_ThenOldestOnline_WhenOverResourceLimit()
    {
        await using var silo = await PresenceTestSilo.StartAsync();
        var user = silo.User("u1");
        for (var i = 0; i < 32; i++)
        {
            await user.SetStatusAsync($"web_{i}", "1", "");
            silo.Clock.Advance(TimeSpan.FromSeconds(1));
        }
        await user.SetStatusAsync("web_10", "0", null); // offline first, so older offline
        silo.Clock.Advance(TimeSpan.FromSeconds(1));
        await user.SetStatusAsync("web_5", "0", null);
        silo.Clock.Advance(TimeSpan.FromSeconds(1));

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
