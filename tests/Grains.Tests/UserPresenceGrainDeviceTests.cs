namespace Presence.Orleans.Grains.Tests;

public sealed class UserPresenceGrainDeviceTests
{
    private static Task<PresenceTestSilo> StartAsync(Action<PresenceLimits>? limits = null) =>
        PresenceTestSilo.StartAsync(
            limits: l =>
            {
                l.CoalescingWindow = TimeSpan.Zero;
                limits?.Invoke(l);
            },
            // Reminders only when a test asks for them: the timers must do the precise work alone.
            runtime: r => r.ReminderPollPeriod = TimeSpan.FromDays(1));

    [Fact]
    public async Task Connect_LogsTheResourceInAndTellsTheDevice_WhenADeviceConnects()
    {
        await using var silo = await StartAsync();
        silo.Clock.Advance(TimeSpan.FromSeconds(5));

        var device = await TestDevice.ConnectAsync(silo, "a", "web_1");
        var presence = await silo.User("a").GetPresenceAsync();

        Assert.Equal("1", presence.Status["web_1"]);
        Assert.Equal(silo.NowSeconds, presence.LastTime);
        Assert.Equal(PresenceStatusType.Online, presence.StatusType);
        Assert.Equal([presence.Version], device.EventsOf("a").Select(e => e.Version));
        Assert.Equal(presence.Version, (await silo.StoredStateAsync("a")).State.Version); // durable before told
    }

    [Fact]
    public async Task StatusType_IsUnlogined_WhenEveryDeviceLoggedOut()
    {
        await using var silo = await StartAsync();
        var web = await TestDevice.ConnectAsync(silo, "a", "web_1");
        var ios = await TestDevice.ConnectAsync(silo, "a", "ios_1");

        var afterFirst = await web.DisconnectAsync(logout: true);
        silo.Clock.Advance(TimeSpan.FromSeconds(3));
        var afterSecond = await ios.DisconnectAsync(logout: true);

        Assert.Equal(PresenceStatusType.Online, afterFirst.StatusType);
        Assert.Equal(PresenceStatusType.Unlogined, afterSecond.StatusType);
        Assert.Equal(new Dictionary<string, string> { ["web_1"] = "0", ["ios_1"] = "0" }, afterSecond.Status);
        Assert.Equal(silo.NowSeconds, afterSecond.LastTime);
        Assert.Equal(afterFirst.Version, ios.EventsOf("a")[^1].Version); // the device still connected saw the other log out
        Assert.Equal(PresenceStatusType.Unlogined, (await silo.User("a").GetPresenceAsync()).StatusType);
    }

    [Fact]
    public async Task StatusType_IsOffline_WhenALostDeviceWasTheLastOnline()
    {
        await using var silo = await StartAsync();
        var web = await TestDevice.ConnectAsync(silo, "a", "web_1");
        var ios = await TestDevice.ConnectAsync(silo, "a", "ios_1");

        await web.DisconnectAsync(logout: true);
        var lost = await ios.DisconnectAsync(logout: false);

        Assert.Equal(PresenceStatusType.Offline, lost.StatusType);
        Assert.Equal("0", lost.Status["ios_1"]);
    }

    [Fact]
    public async Task StatusType_IsOnlineAgain_WhenALoggedOutUserConnects()
    {
        await using var silo = await StartAsync();
        var web = await TestDevice.ConnectAsync(silo, "a", "web_1");
        await web.DisconnectAsync(logout: true);

        await TestDevice.ConnectAsync(silo, "a", "web_1");
        var presence = await silo.User("a").GetPresenceAsync();

        Assert.Equal(PresenceStatusType.Online, presence.StatusType);
    }

    [Fact]
    public async Task Connect_EndsTheOlderSessionAndIgnoresItsDisconnect_WhenTheSameResourceConnectsAgain()
    {
        await using var silo = await StartAsync();
        var first = await TestDevice.ConnectAsync(silo, "a", "web_1");
        var second = await TestDevice.ConnectAsync(silo, "a", "web_1");

        var afterOldDisconnect = await first.DisconnectAsync(logout: false);
        await silo.User("a").SetStatusAsync("ios", "1", "x");

        Assert.Equal([SessionEndReason.Replaced], first.SessionsEnded);
        Assert.Empty(second.SessionsEnded);
        Assert.Equal("1", afterOldDisconnect.Status["web_1"]); // the newer connection still owns the resource
        Assert.Equal("x", second.EventsOf("a")[^1].Ext);
        Assert.DoesNotContain(first.EventsOf("a"), e => e.Ext == "x");
    }

    [Fact]
    public async Task OtherDevices_ReceiveTheChange_WhenOneDeviceOrRestChangesStatus()
    {
        await using var silo = await StartAsync();
        var web = await TestDevice.ConnectAsync(silo, "a", "web_1");
        var ios = await TestDevice.ConnectAsync(silo, "a", "ios_1");

        var bySocket = await silo.User("a").SetStatusAsync("web_1", "busy", "in a call");
        var byRest = await silo.User("a").SetStatusAsync("android", "1", null);

        foreach (var device in new[] { web, ios })
        {
            var events = device.EventsOf("a");
            Assert.Equal([bySocket.Version, byRest.Version], events.TakeLast(2).Select(e => e.Version));
            Assert.Equal("in a call", events[^2].Ext);
            Assert.Equal("busy", events[^2].Status["web_1"]);
            Assert.Equal("1", events[^1].Status["android"]);
        }
    }

    [Fact]
    public async Task Ext_IsClearedAtTheEndOfTheGracePeriod_WhenTheLastResourceGoesOffline()
    {
        await using var silo = await StartAsync();
        var watcher = await TestDevice.ConnectAsync(silo, "w", "web_1");
        await silo.User("w").SubscribeAsync(["a"], 3600);
        var device = await TestDevice.ConnectAsync(silo, "a", "web_1");
        await silo.User("a").SetStatusAsync("web_1", "1", "listening");
        var offline = await device.DisconnectAsync(logout: false);

        silo.Clock.Advance(TimeSpan.FromSeconds(29));
        var during = await silo.User("a").GetPresenceAsync();
        silo.Clock.Advance(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(async () => (await silo.User("a").GetPresenceAsync()).Ext == "", because: "the grace timer clears ext");

        Assert.Equal("listening", offline.Ext);
        Assert.Equal("listening", during.Ext);
        Assert.Equal("", (await silo.StoredStateAsync("a")).State.Ext);
        await Eventually.TrueAsync(() => watcher.EventsOf("a") is [.., { Ext: "" } last] && last.Version == offline.Version + 1,
            because: "watchers see ext cleared");
    }

    [Fact]
    public async Task Ext_IsKept_WhenADeviceComesBackWithinTheGracePeriod()
    {
        await using var silo = await StartAsync();
        var device = await TestDevice.ConnectAsync(silo, "a", "web_1");
        await silo.User("a").SetStatusAsync("web_1", "1", "listening");
        await device.DisconnectAsync(logout: false);

        silo.Clock.Advance(TimeSpan.FromSeconds(20));
        await TestDevice.ConnectAsync(silo, "a", "ios_1");
        silo.Clock.Advance(TimeSpan.FromMinutes(5));
        // Calls run in order: a timer tick queued by the advance would have run before this one.
        var presence = await silo.User("a").GetPresenceAsync();

        Assert.Equal("listening", presence.Ext);
        Assert.Null((await silo.StoredStateAsync("a")).State.ExtClearAt);
        Assert.Null(await silo.ReminderTable.ReadRowAsync(new("user-presence", PresenceTestSilo.Key("a").ToString()), UserPresenceGrain.GraceReminderName, default));
    }

    [Fact]
    public async Task Ext_IsClearedByTheReminder_WhenTheSiloStoppedDuringTheGracePeriod()
    {
        await using var first = await PresenceTestSilo.StartAsync();
        var device = await TestDevice.ConnectAsync(first, "a", "web_1");
        await first.User("a").SetStatusAsync("web_1", "1", "listening");
        await device.DisconnectAsync(logout: false);
        await first.StopAsync(); // the timer dies with the activation; the reminder row stays

        await using var second = await PresenceTestSilo.StartAsync(storageFrom: first);
        second.Clock.Advance(TimeSpan.FromSeconds(31));

        await Eventually.TrueAsync(async () => (await second.StoredStateAsync("a")).State.Ext == "", because: "the reminder activates the grain, which clears ext");
        Assert.Null((await second.StoredStateAsync("a")).State.ExtClearAt);
    }

    [Fact]
    public async Task Ext_IsClearedAtOnce_WhenTheGracePeriodIsZero()
    {
        await using var silo = await StartAsync(l => l.ExtGracePeriod = TimeSpan.Zero);
        var device = await TestDevice.ConnectAsync(silo, "a", "web_1");
        await silo.User("a").SetStatusAsync("web_1", "1", "listening");

        var offline = await device.DisconnectAsync(logout: true);

        Assert.Equal("", offline.Ext);
    }

    [Fact]
    public async Task OrphanedResource_GoesOfflineForWatchers_AMinuteAfterTheUserIsActivatedAgain()
    {
        await using var first = await PresenceTestSilo.StartAsync(limits: l => l.CoalescingWindow = TimeSpan.Zero);
        await TestDevice.ConnectAsync(first, "a", "web_1");
        await first.User("a").SetStatusAsync("rest", "1", null); // not held by a connection: stays
        await first.User("w").SubscribeAsync(["a"], 36000);
        await first.StopAsync(); // as far as the state knows, a crash: nobody disconnected web_1

        await using var second = await PresenceTestSilo.StartAsync(storageFrom: first, limits: l => l.CoalescingWindow = TimeSpan.Zero);
        var watcher = await TestDevice.ConnectAsync(second, "w", "web_1"); // announces itself to a, which activates
        await second.User("a").GetWatchersAsync();
        second.Clock.Advance(TimeSpan.FromSeconds(59));
        var beforeTimeout = await second.User("a").GetPresenceAsync();
        second.Clock.Advance(TimeSpan.FromSeconds(1));

        await Eventually.TrueAsync(() => watcher.EventsOf("a").Any(e => e.Status["web_1"] == "0"), because: "the orphaned resource goes offline");
        var presence = await second.User("a").GetPresenceAsync();
        Assert.Equal("1", beforeTimeout.Status["web_1"]); // devices get time to reconnect first
        Assert.Equal("1", presence.Status["rest"]);
        Assert.Equal(PresenceStatusType.Online, presence.StatusType);
        Assert.Null(await second.ReminderTable.ReadRowAsync(ConnectionsReminderKey("a"), UserPresenceGrain.ConnectionsReminderName, default));
    }

    [Fact]
    public async Task OrphanedResource_GoesOffline_WhenOnlyTheConnectionsReminderWakesTheUser()
    {
        await using var first = await PresenceTestSilo.StartAsync();
        await TestDevice.ConnectAsync(first, "a", "web_1");
        await first.StopAsync();

        await using var second = await PresenceTestSilo.StartAsync(storageFrom: first);
        second.Clock.Advance(TimeSpan.FromMinutes(10));
        await Eventually.TrueAsync(
            async () => await second.ReminderTable.ReadRowAsync(ConnectionsReminderKey("a"), UserPresenceGrain.ConnectionsReminderName, default) is { } row
                && row.NextDueAt > second.Clock.GetUtcNow(),
            because: "the tick activated a");
        second.Clock.Advance(TimeSpan.FromSeconds(60));

        await Eventually.TrueAsync(async () => (await second.StoredStateAsync("a")).State.Resources["web_1"].Status == "0", because: "the orphan goes offline");
        Assert.False((await second.StoredStateAsync("a")).State.Resources["web_1"].Connected);
    }

    private static Presence.Orleans.Runtime.GrainId ConnectionsReminderKey(string username) =>
        new(PresenceTestSilo.UserGrainType, PresenceTestSilo.Key(username).ToString());

    [Fact]
    public async Task ConnectedResource_StaysOnline_WhenItsDeviceReconnectsAfterTheProcessDied()
    {
        await using var first = await PresenceTestSilo.StartAsync();
        await TestDevice.ConnectAsync(first, "a", "web_1");
        await first.StopAsync();

        await using var second = await PresenceTestSilo.StartAsync(storageFrom: first);
        await TestDevice.ConnectAsync(second, "a", "web_1");
        second.Clock.Advance(TimeSpan.FromMinutes(11));
        await Eventually.TrueAsync(
            async () => await second.ReminderTable.ReadRowAsync(ConnectionsReminderKey("a"), UserPresenceGrain.ConnectionsReminderName, default) is { } row
                && row.NextDueAt > second.Clock.GetUtcNow(),
            because: "the tick was delivered");

        Assert.Equal("1", (await second.User("a").GetPresenceAsync()).Status["web_1"]);
    }

    [Fact]
    public async Task ConnectionsReminder_IsRemoved_WhenTheLastDeviceDisconnects()
    {
        await using var silo = await StartAsync();
        var web = await TestDevice.ConnectAsync(silo, "a", "web_1");
        var ios = await TestDevice.ConnectAsync(silo, "a", "ios_1");
        var key = ConnectionsReminderKey("a");

        var whileConnected = await silo.ReminderTable.ReadRowAsync(key, UserPresenceGrain.ConnectionsReminderName, default);
        await web.DisconnectAsync(logout: false);
        var afterOne = await silo.ReminderTable.ReadRowAsync(key, UserPresenceGrain.ConnectionsReminderName, default);
        await ios.DisconnectAsync(logout: false);

        Assert.NotNull(whileConnected);
        Assert.NotNull(afterOne);
        Assert.Null(await silo.ReminderTable.ReadRowAsync(key, UserPresenceGrain.ConnectionsReminderName, default));
    }
}
