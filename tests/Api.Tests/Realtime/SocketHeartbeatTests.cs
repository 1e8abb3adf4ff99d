using System.Text.Json;
using static Presence.Api.Tests.SocketClient;

namespace Presence.Api.Tests;

/// <summary>Server pings on real time: a device that stops answering them is lost and shows offline.</summary>
public sealed class SocketHeartbeatTests(SocketHeartbeatTests.FastHeartbeatFactory factory) : IClassFixture<SocketHeartbeatTests.FastHeartbeatFactory>
{
    public sealed class FastHeartbeatFactory : SocketGatewayFactory
    {
        public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
        public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
        {
            ["Presence:WebSocket:KeepAliveInterval"] = Interval.ToString(),
            ["Presence:WebSocket:KeepAliveTimeout"] = Timeout.ToString(),
        };
    }

    [Fact]
    public async Task Device_IsLostAndShowsOffline_WhenItStopsAnsweringPings_WhileAnAnsweringOneStays()
    {
        await using var watcher = await factory.ConnectAsync("hb.w", "web_1");
        await watcher.RequestAsync(Op("subscribe", ("users", Users(["hb.b"])), ("expiry", 3600)));
        // Never reads, so never answers a ping (a frozen app, a dead network path that keeps TCP up). Its first ping
        // goes out after the connection is made, so the timeout cannot run out sooner than Timeout from here.
        var connecting = DateTime.UtcNow;
        await using var silent = await factory.ConnectAsync("hb.b", "android_1", read: false);
        await watcher.WaitForAsync(f => Type(f) == "presence" && Api.Str(f, "uid") == "hb.b", because: "hb.b's login");

        var offline = await watcher.WaitForAsync(
            f => Type(f) == "presence" && Api.Str(f, "uid") == "hb.b" && Api.Str(f, "status_type") == "offline",
            TimeSpan.FromSeconds(10), "hb.b going offline after missed pongs");
        var after = DateTime.UtcNow - connecting;

        Assert.Equal("0", Api.StatusMap(offline)["android_1"]);
        Assert.True(after >= FastHeartbeatFactory.Timeout, $"offline {after.TotalMilliseconds:0} ms after connecting: before the timeout");
        // The watcher answered every ping meanwhile (its read loop does), so it is still connected.
        var reply = await watcher.RequestAsync(Op("query", ("users", Users(["hb.w"]))));
        Assert.Equal("online", Api.Str(reply.GetProperty("result")[0], "status_type"));
        Assert.Contains(factory.Logs.Entries, e => e.Message.Contains("hb.b/android_1: connection lost", StringComparison.Ordinal));
    }
}
