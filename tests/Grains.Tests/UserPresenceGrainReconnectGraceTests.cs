namespace Presence.Grains.Tests;

/// <summary><c>Presence:Realtime:ReconnectGrace</c>: a dropped device stays online for the grace, on the <see cref="ReconnectGraceCluster"/>.</summary>
[Collection(ReconnectGraceClusterCollection.Name)]
public sealed class UserPresenceGrainReconnectGraceTests(ReconnectGraceCluster cluster)
{
    private static readonly TimeSpan Grace = ReconnectGraceCluster.Grace;

    private readonly TestApp _app = cluster.NewApp();

    [Fact]
    public async Task DroppedDevice_StaysOnlineAndWatchersSeeNothing_WhenItComesBackWithinTheGrace()
    {
        var (watcher, device) = await WatchedDeviceAsync();
        var before = await _app.User("a").GetPresenceAsync();

        var afterDrop = await device.DisconnectAsync(logout: false);
        _app.Clock.Advance(Grace - TimeSpan.FromSeconds(1));
        var back = await _app.ConnectAsync("a", "ios_1");
        _app.Clock.Advance(Grace * 2); // the dropped connection's deadline passes: nothing is due any more
        var after = await _app.User("a").GetPresenceAsync();
        var stored = await _app.StoredStateAsync("a");

        Assert.Equal("1", afterDrop.Status["ios_1"]);
        Assert.Equal(before.Version, afterDrop.Version);
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(before.LastTime, after.LastTime);
        Assert.Equal(before.Version, stored.State.Version);
        // The next change reaches the watcher right after the login it saw: no offline/online pair in between.
        await back.SyncAsync();
        await Eventually.TrueAsync(() => watcher.EventsOf("a").Count >= 2, because: "the watcher hears of the next change");
        Assert.Equal([before.Version, before.Version + 1], watcher.EventsOf("a").Select(e => e.Version));
    }

    [Fact]
    public async Task DroppedDevice_GoesOfflineAsOfTheDrop_WhenTheGraceEnds()
    {
        var (watcher, device) = await WatchedDeviceAsync();
        var droppedAt = _app.NowSeconds;

        await device.DisconnectAsync(logout: false);
        _app.Clock.Advance(Grace);

        await Eventually.TrueAsync(async () => (await _app.User("a").GetPresenceAsync()).Status["ios_1"] == "0",
            because: "the grace ended");
        var offline = await _app.User("a").GetPresenceAsync();
        Assert.Equal(PresenceStatusType.Offline, offline.StatusType);
        Assert.Equal(droppedAt, offline.LastTime);
        Assert.Equal(offline.Version, (await _app.StoredStateAsync("a")).State.Version);
        await Eventually.TrueAsync(() => watcher.EventsOf("a").Any(e => e.Version == offline.Version), because: "the watcher hears of it");
    }

    [Fact]
    public async Task Logout_IsNotHeld()
    {
        var device = await _app.ConnectAsync("a", "ios_1");

        var afterLogout = await device.DisconnectAsync(logout: true);

        Assert.Equal("0", afterLogout.Status["ios_1"]);
        Assert.Equal(PresenceStatusType.Unlogined, afterLogout.StatusType);
    }

    [Fact]
    public async Task ComingBackAfterTheGrace_IsALoginAgain()
    {
        var (watcher, device) = await WatchedDeviceAsync();
        await device.DisconnectAsync(logout: false);
        _app.Clock.Advance(Grace + TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(async () => (await _app.User("a").GetPresenceAsync()).Status["ios_1"] == "0",
            because: "the grace ended");

        await _app.ConnectAsync("a", "ios_1");
        var online = await _app.User("a").GetPresenceAsync();

        Assert.Equal(PresenceStatusType.Online, online.StatusType);
        Assert.Equal(_app.NowSeconds, online.LastTime);
        await Eventually.TrueAsync(() => watcher.EventsOf("a").Count >= 3, because: "login, offline, login again");
        Assert.Equal(["1", "0", "1"], watcher.EventsOf("a").Select(e => e.Status["ios_1"]));
    }

    /// <summary>User a online on ios_1, watched by w's connected device, which has seen the login.</summary>
    private async Task<(TestDevice Watcher, TestDevice Device)> WatchedDeviceAsync()
    {
        var watcher = await _app.ConnectAsync("w", "web_1");
        await _app.User("w").SubscribeAsync(["a"], 3600);
        var device = await _app.ConnectAsync("a", "ios_1");
        await Eventually.TrueAsync(() => watcher.EventsOf("a").Count == 1, because: "the watcher hears of the login");
        return (watcher, device);
    }
}
