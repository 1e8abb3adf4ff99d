using System.Net.WebSockets;
using System.Text.Json;
using static Presence.Api.Tests.SocketClient;

namespace Presence.Api.Tests;

/// <summary>Presence events over real sockets: REST and socket changes, login/logout/loss, multi-device, order, expiry.</summary>
public sealed class SocketEventTests(SocketGatewayFactory factory) : IClassFixture<SocketGatewayFactory>
{
    private static readonly TimeSpan EventDeadline = TimeSpan.FromSeconds(5);

    private async Task<SocketClient> WatcherAsync(string watcher, params string[] targets)
    {
        var client = await factory.ConnectAsync(watcher, "web_1");
        var reply = await client.RequestAsync(Op("subscribe", ("users", Users(targets)), ("expiry", 3600)));
        Assert.Equal("reply", Type(reply));
        return client;
    }

    private static Func<JsonElement, bool> EventOf(string uid, Func<JsonElement, bool>? and = null) =>
        f => Type(f) == "presence" && f.GetProperty("uid").GetString() == uid && (and is null || and(f));

    private static long Version(JsonElement frame) => frame.GetProperty("version").GetInt64();

    [Fact]
    public async Task Subscriber_ReceivesTheEventWithinADeadline_WhenTheWatchedUserChangesOverRest()
    {
        await using var watcher = await WatcherAsync("rest.w", "rest.b");

        await factory.SetPresenceAsync("rest.b", "android_1", "1", "hi");
        var presence = await watcher.WaitForAsync(EventOf("rest.b"), EventDeadline, "rest.b's event");

        Assert.Equal(["type", "uid", "status_type", "status", "ext", "last_time", "version"], Api.Names(presence));
        Assert.Equal("online", Api.Str(presence, "status_type"));
        Assert.Equal(new Dictionary<string, string> { ["android_1"] = "1" }, Api.StatusMap(presence));
        Assert.Equal("hi", Api.Str(presence, "ext"));
        Assert.Equal(factory.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(), Api.Str(presence, "last_time"));
        Assert.Equal(1, Version(presence));
    }

    [Fact]
    public async Task EventFrames_CarryChangedAt_OnlyOnConnectionsOpenedWithTiming()
    {
        await using var plain = await WatcherAsync("timing.plain", "timing.b");
        await using var timed = await SocketClient.ConnectAsync(factory.SocketUri("resource=web_1&timing=1"), await factory.UserTokenAsync("timing.timed"));
        Assert.Equal("reply", Type(await timed.RequestAsync(Op("subscribe", ("users", Users(["timing.b"])), ("expiry", 3600)))));

        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await factory.SetPresenceAsync("timing.b", "android_1", "1");
        var withTime = await timed.WaitForAsync(EventOf("timing.b"), EventDeadline, "timing.b's event on the timed socket");
        var without = await plain.WaitForAsync(EventOf("timing.b"), EventDeadline, "timing.b's event on the plain socket");

        // A wall-clock stamp of the change (the grain's fake clock does not move it), in Unix milliseconds.
        var changedAt = withTime.GetProperty("changed_at").GetInt64();
        Assert.InRange(changedAt, before - 1000, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Assert.False(without.TryGetProperty("changed_at", out _), "apps see the protocol unchanged");
    }

    [Fact]
    public async Task Subscriber_ReceivesTheEvent_WhenTheWatchedUserConnectsAndSetsStatusOverTheSocket()
    {
        await using var watcher = await WatcherAsync("sock.w", "sock.b");

        await using var device = await factory.ConnectAsync("sock.b", "ios_7");
        var login = await watcher.WaitForAsync(EventOf("sock.b"), EventDeadline, "the login");
        var reply = await device.RequestAsync(Op("set_status", ("status", "busy"), ("ext", "in a call")));
        var busy = await watcher.WaitForAsync(EventOf("sock.b", f => Api.Str(f, "ext") == "in a call"), EventDeadline, "the custom status");

        Assert.Equal(new Dictionary<string, string> { ["ios_7"] = "1" }, Api.StatusMap(login));
        Assert.Equal(["type", "id", "op", "result", "failed"], Api.Names(reply));
        Assert.Equal("busy", Api.StatusMap(reply.GetProperty("result"))["ios_7"]);
        Assert.Equal(new Dictionary<string, string> { ["ios_7"] = "busy" }, Api.StatusMap(busy));
        Assert.Equal(Version(login) + 1, Version(busy));
    }

    [Fact]
    public async Task Watchers_SeeUnlogined_WhenTheLastDeviceLogsOutWithTheLogoutRequest()
    {
        await using var watcher = await WatcherAsync("logout.w", "logout.b");
        var device = await factory.ConnectAsync("logout.b", "web_1");
        await watcher.WaitForAsync(EventOf("logout.b"), EventDeadline);

        var reply = await device.RequestAsync(Op("logout"));
        await device.WaitForEndAsync();
        var loggedOut = await watcher.WaitForAsync(EventOf("logout.b", f => Api.Str(f, "status_type") != "online"), EventDeadline);

        Assert.Equal("ok", reply.GetProperty("result").GetString());
        Assert.Equal(WebSocketCloseStatus.NormalClosure, device.CloseStatus);
        Assert.Equal("logout", device.CloseDescription);
        Assert.Equal("unlogined", Api.Str(loggedOut, "status_type"));
        Assert.Equal(new Dictionary<string, string> { ["web_1"] = "0" }, Api.StatusMap(loggedOut));
    }

    [Fact]
    public async Task Watchers_SeeUnlogined_WhenTheClientClosesWithReasonLogout_AndOffline_WhenItClosesWithout()
    {
        await using var watcher = await WatcherAsync("close.w", "close.a", "close.b");
        var a = await factory.ConnectAsync("close.a", "web_1");
        var b = await factory.ConnectAsync("close.b", "web_1");
        await watcher.WaitForAsync(EventOf("close.a"), EventDeadline);
        await watcher.WaitForAsync(EventOf("close.b"), EventDeadline);

        await a.CloseAsync("logout");
        await b.CloseAsync();
        var aOff = await watcher.WaitForAsync(EventOf("close.a", f => Api.Str(f, "status_type") != "online"), EventDeadline);
        var bOff = await watcher.WaitForAsync(EventOf("close.b", f => Api.Str(f, "status_type") != "online"), EventDeadline);

        Assert.Equal("unlogined", Api.Str(aOff, "status_type"));
        Assert.Equal("offline", Api.Str(bOff, "status_type"));
        Assert.Equal("0", Api.StatusMap(bOff)["web_1"]);
    }

    [Fact]
    public async Task Watchers_SeeOffline_WhenTheConnectionIsLostWithoutACloseFrame()
    {
        await using var watcher = await WatcherAsync("lost.w", "lost.b");
        var device = await factory.ConnectAsync("lost.b", "android_1");
        await watcher.WaitForAsync(EventOf("lost.b"), EventDeadline);

        device.Abort();
        var offline = await watcher.WaitForAsync(EventOf("lost.b", f => Api.Str(f, "status_type") != "online"), EventDeadline, "the lost device going offline");

        Assert.Equal("offline", Api.Str(offline, "status_type"));
        Assert.Equal(new Dictionary<string, string> { ["android_1"] = "0" }, Api.StatusMap(offline));
    }

    [Fact]
    public async Task OwnOtherDevices_ReceiveTheChange_WhenOneDeviceOrRestChangesTheUser()
    {
        await using var web = await factory.ConnectAsync("multi", "web_1");
        await using var phone = await factory.ConnectAsync("multi", "ios_1");
        await web.WaitForAsync(EventOf("multi", f => Api.StatusMap(f).ContainsKey("ios_1")), EventDeadline, "the phone's login");

        await web.RequestAsync(Op("set_status", ("ext", "from the web")));
        var onPhone = await phone.WaitForAsync(EventOf("multi", f => Api.Str(f, "ext") == "from the web"), EventDeadline);
        await factory.SetPresenceAsync("multi", "pc", "1", "from rest");
        var fromRest = await web.WaitForAsync(EventOf("multi", f => Api.Str(f, "ext") == "from rest"), EventDeadline);
        await phone.WaitForAsync(EventOf("multi", f => Api.Str(f, "ext") == "from rest"), EventDeadline);

        Assert.Equal(new Dictionary<string, string> { ["web_1"] = "1", ["ios_1"] = "1" }, Api.StatusMap(onPhone));
        Assert.Equal("1", Api.StatusMap(fromRest)["pc"]);
    }

    [Fact]
    public async Task Events_ArriveInOrderWithEveryVersion_WhenCoalescingIsOffAndChangesComeFromSocketAndRestAtOnce()
    {
        await using var watcher = await WatcherAsync("order.w", "order.b");
        await using var device = await factory.ConnectAsync("order.b", "web_1");
        await watcher.WaitForAsync(EventOf("order.b"), EventDeadline);

        const int changes = 40;
        var pipelined = Enumerable.Range(0, changes).Select(i => device.SendRequestAsync(Op("set_status", ("ext", $"s{i}")))).ToList();
        var rest = Enumerable.Range(0, changes).Select(i => factory.SetPresenceAsync("order.b", $"rest_{i % 3}", $"r{i}")).ToList();
        await Task.WhenAll(pipelined.Cast<Task>().Concat(rest));
        foreach (var id in pipelined)
            await device.ReplyToAsync(await id); // sent is not done: wait until the server answered each
        var finalVersion = (await device.RequestAsync(Op("query", ("users", Users(["order.b"]))))).GetProperty("result")[0].GetProperty("version").GetInt64();
        var last = await watcher.WaitForAsync(EventOf("order.b", f => Version(f) == finalVersion), EventDeadline, $"version {finalVersion}");

        var versions = watcher.EventsOf("order.b").Select(Version).ToList();
        Assert.Equal(Enumerable.Range((int)versions[0], versions.Count).Select(v => (long)v), versions);
        Assert.Equal(1 + 2 * changes, versions.Count); // the login, then every change once
        Assert.Equal(versions[^1], Version(last));
        Assert.Equal(4, Api.StatusMap(last).Count); // web_1 and the three REST resources
    }

    [Fact]
    public async Task ExtOfALostDevice_IsClearedForWatchersAfterTheGracePeriod()
    {
        await using var watcher = await WatcherAsync("grace.w", "grace.b");
        var device = await factory.ConnectAsync("grace.b", "web_1");
        await device.RequestAsync(Op("set_status", ("ext", "listening")));
        device.Abort();
        var offline = await watcher.WaitForAsync(EventOf("grace.b", f => Api.Str(f, "status_type") == "offline"), EventDeadline);

        factory.Clock.Advance(TimeSpan.FromSeconds(30));
        var cleared = await watcher.WaitForAsync(EventOf("grace.b", f => Version(f) > Version(offline)), EventDeadline, "ext cleared after the grace period");

        Assert.Equal("listening", Api.Str(offline, "ext"));
        Assert.Equal("", Api.Str(cleared, "ext"));
        Assert.Equal(Version(offline) + 1, Version(cleared));
        Assert.Equal("", Api.Str(await factory.PresenceAsync("grace.b"), "ext"));
    }

    [Fact]
    public async Task ExpiringSubscription_SendsSubscriptionEnded_ThenNothingMoreOfThatUser()
    {
        await using var watcher = await factory.ConnectAsync("exp.w", "web_1");
        await watcher.RequestAsync(Op("subscribe", ("users", Users(["exp.b"])), ("expiry", 10)));
        await factory.SetPresenceAsync("exp.b", "web", "1", "before");
        await watcher.WaitForAsync(EventOf("exp.b"), EventDeadline);

        factory.Clock.Advance(TimeSpan.FromSeconds(10));
        var ended = await watcher.WaitForAsync(f => Type(f) == "subscription_ended", EventDeadline, "subscription_ended");
        await factory.SetPresenceAsync("exp.b", "web", "1", "after");
        // The watcher's own change is queued on its grain after anything exp.b could still have sent it.
        await factory.SetPresenceAsync("exp.w", "web_1", "1", "barrier");
        await watcher.WaitForAsync(EventOf("exp.w", f => Api.Str(f, "ext") == "barrier"), EventDeadline);

        Assert.Equal("""{"type":"subscription_ended","uid":"exp.b","reason":"expired"}""", ended.GetRawText());
        var frames = watcher.Frames.ToList();
        Assert.DoesNotContain(frames.SkipWhile(f => Type(f) != "subscription_ended"), f => EventOf("exp.b")(f));
    }
}
