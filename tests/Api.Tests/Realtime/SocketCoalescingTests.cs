using System.Text.Json;
using static Presence.Api.Tests.SocketClient;

namespace Presence.Api.Tests;

/// <summary>With a coalescing window (on the fake clock): the first change at once, the latest state at the window's end.</summary>
public sealed class SocketCoalescingTests(SocketCoalescingTests.CoalescingFactory factory) : IClassFixture<SocketCoalescingTests.CoalescingFactory>
{
    public sealed class CoalescingFactory : SocketGatewayFactory
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
        {
            ["Presence:Limits:CoalescingWindow"] = "00:00:01",
        };
    }

    private static long Version(JsonElement frame) => frame.GetProperty("version").GetInt64();

    [Fact]
    public async Task Burst_IsMergedIntoTheFirstChangeAndTheLatestStateAtTheWindowEnd_WithVersionsOnlyGrowing()
    {
        await using var watcher = await factory.ConnectAsync("co.w", "web_1");
        await watcher.RequestAsync(Op("subscribe", ("users", Users(["co.b"])), ("expiry", 3600)));

        for (var i = 1; i <= 10; i++)
            await factory.SetPresenceAsync("co.b", "web", "1", $"e{i}");
        var first = await watcher.WaitForAsync(f => Type(f) == "presence" && Api.Str(f, "uid") == "co.b");
        // A subscribe runs on the watcher's grain after any co.b event already sent to it, and its reply follows them.
        await watcher.RequestAsync(Op("subscribe", ("users", Users(["co.x"])), ("expiry", 3600)));
        var beforeWindowEnd = watcher.EventsOf("co.b").Count;

        factory.Clock.Advance(TimeSpan.FromSeconds(1));
        var latest = await watcher.WaitForAsync(f => Type(f) == "presence" && Api.Str(f, "uid") == "co.b" && Version(f) > Version(first));

        Assert.Equal("e1", Api.Str(first, "ext"));
        Assert.Equal(1, beforeWindowEnd);
        Assert.Equal("e10", Api.Str(latest, "ext"));
        Assert.Equal(10, Version(latest));
        var versions = watcher.EventsOf("co.b").Select(Version).ToList();
        Assert.Equal([1L, 10L], versions);
    }

    [Fact]
    public async Task FirstChangeAfterAQuietWindow_GoesOutAtOnce()
    {
        await using var watcher = await factory.ConnectAsync("quiet.w", "web_1");
        await watcher.RequestAsync(Op("subscribe", ("users", Users(["quiet.b"])), ("expiry", 3600)));
        await factory.SetPresenceAsync("quiet.b", "web", "1", "one");
        await watcher.WaitForAsync(f => Type(f) == "presence" && Api.Str(f, "uid") == "quiet.b");

        factory.Clock.Advance(TimeSpan.FromSeconds(2)); // the window closes with nothing pending
        await factory.SetPresenceAsync("quiet.b", "web", "1", "two");
        var second = await watcher.WaitForAsync(f => Type(f) == "presence" && Api.Str(f, "uid") == "quiet.b" && Api.Str(f, "ext") == "two");

        Assert.Equal(2, Version(second));
    }
}
