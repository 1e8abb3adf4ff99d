using static Presence.Api.Tests.SocketClient;

namespace Presence.Api.Tests;

/// <summary>Past the subscription cap the one with least time left is evicted, and the subscriber's devices are told.</summary>
public sealed class SocketEvictionTests(SocketEvictionTests.SmallCapFactory factory) : IClassFixture<SocketEvictionTests.SmallCapFactory>
{
    public sealed class SmallCapFactory : SocketGatewayFactory
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
        {
            ["Presence:Limits:MaxSubscriptionsPerUser"] = "2",
        };
    }

    [Fact]
    public async Task Eviction_SendsSubscriptionEndedEvicted_ThenNothingMoreOfThatUser()
    {
        await using var watcher = await factory.ConnectAsync("ev.w", "web_1");
        await watcher.RequestAsync(Op("subscribe", ("users", Users(["ev.short"])), ("expiry", 100)));
        await watcher.RequestAsync(Op("subscribe", ("users", Users(["ev.long"])), ("expiry", 200)));

        await watcher.RequestAsync(Op("subscribe", ("users", Users(["ev.new"])), ("expiry", 300)));
        var ended = await watcher.WaitForAsync(f => Type(f) == "subscription_ended");
        await factory.SetPresenceAsync("ev.short", "web", "1", "after");
        await factory.SetPresenceAsync("ev.w", "pc", "1", "barrier");
        await watcher.WaitForAsync(f => Type(f) == "presence" && Api.Str(f, "uid") == "ev.w" && Api.Str(f, "ext") == "barrier");

        Assert.Equal("""{"type":"subscription_ended","uid":"ev.short","reason":"evicted"}""", ended.GetRawText());
        Assert.Empty(watcher.EventsOf("ev.short"));
    }
}
