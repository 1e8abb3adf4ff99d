using System.Net;

namespace Presence.Api.Tests;

/// <summary>With one subscriber per user allowed, a full target is named in <c>failed</c> next to <c>result</c>.</summary>
public sealed class SubscriberLimitTests(SubscriberLimitTests.OneSubscriberFactory factory) : IClassFixture<SubscriberLimitTests.OneSubscriberFactory>
{
    public sealed class OneSubscriberFactory : GatewayFactory
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
        {
            ["Presence:Limits:MaxSubscribersPerUser"] = "1",
            ["Presence:Limits:MaxExtBytes"] = "8",
        };
    }

    private readonly GatewayClient _client = factory.CreateGatewayClient();

    [Fact]
    public async Task Subscribe_ListsFullTargetInFailed_WhenTargetHasNoRoomForSubscribers()
    {
        var token = await _client.AppTokenAsync();
        using (var first = await _client.SubscribeAsync(token, "early", 600, "popular"))
            await Api.ReadJsonAsync(first, HttpStatusCode.OK);

        using var response = await _client.SubscribeAsync(token, "late", 600, "popular", "quiet");

        var json = await Api.ReadJsonAsync(response, HttpStatusCode.OK);
        Assert.Equal(["result", "failed"], Api.Names(json));
        Assert.Equal(["quiet"], json.GetProperty("result").EnumerateArray().Select(p => Api.Str(p, "uid")));
        Assert.Equal(["popular"], json.GetProperty("failed").EnumerateArray().Select(f => f.GetString()));
    }

    [Fact]
    public async Task SetPresence_UsesConfiguredExtLimit_WhenLimitsAreConfigured()
    {
        var token = await _client.AppTokenAsync();

        using var atLimit = await _client.SetPresenceAsync(token, "small", "web", "1", "12345678");
        using var overLimit = await _client.SetPresenceAsync(token, "small", "web", "1", "123456789");

        await Api.AssertOkResultAsync(atLimit);
        await Api.AssertIllegalArgumentAsync(overLimit, "ext is too big ");
    }
}
