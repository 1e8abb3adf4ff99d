namespace Presence.Grains.Tests;

[Collection(DefaultClusterCollection.Name)]
public sealed class UserPresenceGrainDeviceTests(DefaultCluster cluster)
{
    /// <summary>The one reminder: the ext grace period and the connection check both arm it.</summary>
    private const string WakeUp = GrainWakeUps.ReminderName;

    private readonly TestApp _app = cluster.NewApp();

    [Fact]
    public async Task Connect_LogsTheResourceInAndTellsTheDevice_WhenADeviceConnects()
    {
        _app.Clock.Advance(TimeSpan.FromSeconds(5));

        var device = await _app.ConnectAsync("a", "web_1");
        var presence = await _app.User("a").GetPresenceAsync();

        Assert.Equal("1", presence.Status["web_1"]);
        Assert.Equal(_app.NowSeconds, presence.LastTime);
        Assert.Equal(PresenceStatusType.Online, presence.StatusType);
        Assert.Equal(presence.Version, (await _app.StoredStateAsync("a")).State.Version); // durable before told
        await Eventually.TrueAsync(() => device.EventsOf("a").Count > 0, because: "the device hears of its own login");
        Assert.Equal([presence.Version], device.EventsOf("a").Select(e => e.Version));
    }

    [Fact]
    public async Task StatusType_IsUnlogined_WhenEveryDeviceLoggedOut()
    {
        var web = await _app.ConnectAsync("a", "web_1");
        var ios = await _app.ConnectAsync("a", "ios_1");

        var afterFirst = await web.DisconnectAsync(logout: true);
        _app.Clock.Advance(TimeSpan.FromSeconds(3));
        var afterSecond = await ios.DisconnectAsync(logout: true);

        Assert.Equal(PresenceStatusType.Online, afterFirst.StatusType);
        Assert.Equal(PresenceStatusType.Unlogined, afterSecond.StatusType);
        Assert.Equal(new Dictionary<string, string> { ["web_1"] = "0", ["ios_1"] = "0" }, afterSecond.Status);
        Assert.Equal(_app.NowSeconds, afterSecond.LastTime);
        Assert.Equal(PresenceStatusType.Unlogined, (await _app.User("a").GetPresenceAsync()).StatusType);
        // The device still connected saw the other log out, and nothing after its own disconnect.
        await Eventually.TrueAsync(() => ios.EventsOf("a").Any(e => e.Version == afterFirst.Version), because: "ios hears of web's logout");
        Assert.Equal(afterFirst.Version, ios.EventsOf("a").Max(e => e.Version));
    }

    [Fact]
    public async Task StatusType_IsOffline_WhenALostDeviceWasTheLastOnline()
    {
        var web = await _app.ConnectAsync("a", "web_1");
        var ios = await _app.ConnectAsync("a", "ios_1");

        await web.DisconnectAsync(logout: true);
        var lost = await ios.DisconnectAsync(logout: false);

        Assert.Equal(PresenceStatusType.Offline, lost.StatusType);
        Assert.Equal("0", lost.Status["ios_1"]);
    }

    [Fact]
    public async Task StatusType_IsOnlineAgain_WhenALoggedOutUserConnects()
    {
        var web = await _app.ConnectAsync("a", "web_1");
        await web.DisconnectAsync(logout: true);

        await _app.ConnectAsync("a", "web_1");
        var presence = await _app.User("a").GetPresenceAsync();

        Assert.Equal(PresenceStatusType.Online, presence.StatusType);
    }

    [Fact]
    public async Task Connect_EndsTheOlderSessionAndIgnoresItsDisconnect_WhenTheSameResourceConnectsAgain()
    {
        var first = await _app.ConnectAsync("a", "web_1");
        var second = await _app.ConnectAsync("a", "web_1");

        var afterOldDisconnect = await first.DisconnectAsync(logout: false);
        await _app.User("a").SetStatusAsync("ios", "1", "x");

        Assert.Equal("1", afterOldDisconnect.Status["web_1"]); // the newer connection still owns the resource
        await Eventually.TrueAsync(() => second.EventsOf("a").Any(e => e.Ext == "x"), because: "the newer device hears of the change");
        await Eventually.TrueAsync(() => first.SessionsEnded.Count > 0, because: "the older device is told its session ended");
        Assert.Equal([SessionEndReason.Replaced], first.SessionsEnded);
        Assert.Empty(second.SessionsEnded);
        Assert.DoesNotContain(first.EventsOf("a"), e => e.Ext == "x");
    }

    [Fact]
    public async Task OtherDevices_ReceiveTheChange_WhenOneDeviceOrRestChangesStatus()
    {
        var web = await _app.ConnectAsync("a", "web_1");
        var ios = await _app.ConnectAsync("a", "ios_1");

        var bySocket = await _app.User("a").SetStatusAsync("web_1", "busy", "in a call");
        var byRest = await _app.User("a").SetStatusAsync("android", "1", null);

        foreach (var device in new[] { web, ios })
        {
            await Eventually.TrueAsync(
                () => device.EventsOf("a").Any(e => e.Version == bySocket.Version) && device.EventsOf("a").Any(e => e.Version == byRest.Version),
                because: $"{device.Resource} hears of both changes");
            var socketEvent = device.EventsOf("a").Single(e => e.Version == bySocket.Version);
            var restEvent = device.EventsOf("a").Single(e => e.Version == byRest.Version);
            Assert.Equal(bySocket.Version + 1, byRest.Version);
            Assert.Equal("in a call", socketEvent.Ext);
            Assert.Equal("busy", socketEvent.Status["web_1"]);
            Assert.Equal("1", restEvent.Status["android"]);
        }
    }

    [Fact]
    public async Task Ext_IsClearedAtTheEndOfTheGracePeriod_WhenTheLastResourceGoesOffline()
    {
        var watcher = await _app.ConnectAsync("w", "web_1");
        await _app.User("w").SubscribeAsync(["a"], 3600);
        var device = await _app.ConnectAsync("a", "web_1");
        await _app.User("a").SetStatusAsync("web_1", "1", "listening");
        var offline = await device.DisconnectAsync(logout: false);

        _app.Clock.Advance(TimeSpan.FromSeconds(29));
        var during = await _app.User("a").GetPresenceAsync();
        _app.Clock.Advance(TimeSpan.FromSeconds(1)); // the grain's timer; the reminder backstop is due a moment later
        await Eventually.TrueAsync(async () => (await _app.User("a").GetPresenceAsync()).Ext == "", because: "the grace timer clears ext");

        Assert.Equal("listening", offline.Ext);
        Assert.Equal("listening", during.Ext);
        Assert.Equal("", (await _app.StoredStateAsync("a")).State.Ext);
        await Eventually.TrueAsync(() => watcher.EventsOf("a").Any(e => e.Ext == "" && e.Version == offline.Version + 1),
            because: "watchers see ext cleared");
    }

    [Fact]
    public async Task Ext_IsKept_WhenADeviceComesBackWithinTheGracePeriod()
    {
        var device = await _app.ConnectAsync("a", "web_1");
        await _app.User("a").SetStatusAsync("web_1", "1", "listening");
        await device.DisconnectAsync(logout: false);

        _app.Clock.Advance(TimeSpan.FromSeconds(20));
        await _app.ConnectAsync("a", "ios_1");
        // The reminder stays armed for the old grace deadline (no write per change): its tick must find nothing to clear.
        var ticks = _app.ReminderTicks("a", WakeUp);
        await _app.WaitUntilReminderArmedAsync("a", WakeUp);
        _app.Clock.Advance(TimeSpan.FromMinutes(5));
        await _app.WaitForReminderTicksAsync("a", WakeUp, ticks + 1);
        // Calls run in order, and a grain timer's tick is queued on the grain as the clock moves: one due in those
        // five minutes would have run before this call.
        var presence = await _app.User("a").GetPresenceAsync();

        Assert.Equal("listening", presence.Ext);
        Assert.Null((await _app.StoredStateAsync("a")).State.ExtClearAt);
        Assert.Equal(TimeSpan.FromMinutes(10), (await _app.ReminderAsync("a", WakeUp))?.Period); // re-armed for ios_1's connection check
    }

    [Fact]
    public async Task Ext_IsClearedByTheReminder_WhenTheActivationEndedDuringTheGracePeriod()
    {
        var device = await _app.ConnectAsync("a", "web_1");
        await _app.User("a").SetStatusAsync("web_1", "1", "listening");
        await device.DisconnectAsync(logout: false);
        await _app.DeactivateAsync("a"); // the grace timer dies with the activation; the reminder stays

        var ticks = _app.ReminderTicks("a", WakeUp);
        await _app.WaitUntilReminderArmedAsync("a", WakeUp);
        _app.Clock.Advance(TimeSpan.FromSeconds(31));

        await _app.WaitForReminderTicksAsync("a", WakeUp, ticks + 1); // the reminder activates the grain, which clears ext
        var stored = (await _app.StoredStateAsync("a")).State;
        Assert.Equal("", stored.Ext);
        Assert.Null(stored.ExtClearAt);
        Assert.Null(await _app.ReminderAsync("a", WakeUp));
    }

    [Fact]
    public async Task OrphanedResource_GoesOfflineForWatchers_AMinuteAfterTheUserIsActivatedAgain()
    {
        await _app.ConnectAsync("a", "web_1");
        await _app.User("a").SetStatusAsync("rest", "1", null); // not held by a connection: stays
        await _app.User("w").SubscribeAsync(["a"], 36000);
        await _app.DeactivateAsync("a", "w"); // as far as a's state knows, a crash: nobody disconnected web_1

        var watcher = await _app.ConnectAsync("w", "web_1"); // announces itself to a, which activates
        await _app.User("a").GetWatchersAsync();
        _app.Clock.Advance(TimeSpan.FromSeconds(59));
        var beforeTimeout = await _app.User("a").GetPresenceAsync();
        _app.Clock.Advance(TimeSpan.FromSeconds(1));

        await Eventually.TrueAsync(() => watcher.EventsOf("a").Any(e => e.Status["web_1"] == "0"), because: "the orphaned resource goes offline");
        var presence = await _app.User("a").GetPresenceAsync();
        Assert.Equal("1", beforeTimeout.Status["web_1"]); // devices get time to reconnect first
        Assert.Equal("1", presence.Status["rest"]);
        Assert.Equal(PresenceStatusType.Online, presence.StatusType);
        await Eventually.TrueAsync(async () => await _app.ReminderAsync("a", WakeUp) is null, because: "no connection is left to check");
    }

    [Fact]
    public async Task OrphanedResource_GoesOffline_WhenOnlyTheWakeUpReminderWakesTheUser()
    {
        await _app.ConnectAsync("a", "web_1");
        await _app.DeactivateAsync("a");

        var ticks = _app.ReminderTicks("a", WakeUp);
        await _app.WaitUntilReminderArmedAsync("a", WakeUp);
        _app.Clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        await _app.WaitForReminderTicksAsync("a", WakeUp, ticks + 1); // the tick activated a
        _app.Clock.Advance(TimeSpan.FromSeconds(60));

        await Eventually.TrueAsync(async () => (await _app.StoredStateAsync("a")).State.Resources["web_1"].Status == "0", because: "the orphan goes offline");
        Assert.False((await _app.StoredStateAsync("a")).State.Resources["web_1"].Connected);
    }

    [Fact]
    public async Task ConnectedResource_StaysOnline_WhenItsDeviceReconnectsAfterTheProcessDied()
    {
        await _app.ConnectAsync("a", "web_1");
        await _app.DeactivateAsync("a");

        var device = await _app.ConnectAsync("a", "web_1");
        var ticks = _app.ReminderTicks("a", WakeUp);
        await _app.WaitUntilReminderArmedAsync("a", WakeUp);
        _app.Clock.Advance(TimeSpan.FromMinutes(11));
        await _app.WaitForReminderTicksAsync("a", WakeUp, ticks + 1); // the tick was delivered

        Assert.Equal("1", (await _app.User("a").GetPresenceAsync()).Status[device.Resource]);
    }

    [Fact]
    public async Task WakeUpReminder_IsRemoved_WhenTheLastDeviceDisconnects()
    {
        var web = await _app.ConnectAsync("a", "web_1");
        var ios = await _app.ConnectAsync("a", "ios_1");

        var whileConnected = await _app.ReminderAsync("a", WakeUp);
        await web.DisconnectAsync(logout: false);
        var afterOne = await _app.ReminderAsync("a", WakeUp);
        await ios.DisconnectAsync(logout: false);

        Assert.NotNull(whileConnected);
        Assert.NotNull(afterOne);
        Assert.Null(await _app.ReminderAsync("a", WakeUp));
    }
}
