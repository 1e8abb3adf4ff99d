using System.Net;
using System.Net.WebSockets;
using System.Text.Json;

namespace Presence.Api.Tests;

/// <summary>Who may open a connection, refused before the upgrade with the error body; and what opening one does.</summary>
public sealed class SocketConnectTests(SocketGatewayFactory factory) : IClassFixture<SocketGatewayFactory>
{
    [Fact]
    public async Task Connect_IsRefused401WithTheErrorBody_WhenTheTokenIsMissingMalformedOrFromAnotherApp()
    {
        var otherApp = await factory.Rest("other").AppTokenAsync("other-client", "other-secret");
        var otherAppUser = await factory.Rest("other").UserTokenAsync(otherApp, "alice");

        foreach (var bearer in new[] { null, "not-a-token", otherAppUser })
        {
            using var response = await factory.GetSocketRouteAsync("resource=web_1", bearer);
            await Api.AssertUnauthorizedAsync(response);
            Assert.Equal(HttpStatusCode.Unauthorized, await SocketGatewayFactory.RefusedUpgradeStatusAsync(factory.SocketUri("resource=web_1"), bearer));
        }
    }

    [Fact]
    public async Task Connect_IsRefused401_WhenTheUserTokenExpired()
    {
        var token = await factory.UserTokenAsync("expiring", ttl: 60);
        factory.Clock.Advance(TimeSpan.FromSeconds(61));

        using var response = await factory.GetSocketRouteAsync("resource=web_1", token);

        await Api.AssertUnauthorizedAsync(response);
    }

    [Fact]
    public async Task Connect_IsRefused403WithTheErrorBody_WhenTheTokenIsAnAppTokenOrAnotherUsers()
    {
        var appToken = await factory.AppTokenAsync();
        var bob = await factory.UserTokenAsync("bob");

        using var asApp = await factory.GetSocketRouteAsync("resource=web_1", appToken);
        using var asOther = await factory.GetSocketRouteAsync("resource=web_1&username=alice", bob);

        await Api.AssertErrorAsync(asApp, HttpStatusCode.Forbidden, "forbidden", "A user token is required to connect");
        await Api.AssertErrorAsync(asOther, HttpStatusCode.Forbidden, "forbidden", "A user token may act only as its own user");
        Assert.Equal(HttpStatusCode.Forbidden, await SocketGatewayFactory.RefusedUpgradeStatusAsync(factory.SocketUri("resource=web_1"), appToken));
    }

    [Theory]
    [InlineData("")]
    [InlineData("resource=")]
    [InlineData("resource=web%201")]
    [InlineData("resource=web_1&resource=web_2")]
    public async Task Connect_IsRefused400_WhenTheResourceIsMissingOrNotLegal(string query)
    {
        var token = await factory.UserTokenAsync("alice");

        using var response = await factory.GetSocketRouteAsync(query, token);

        await Api.AssertIllegalArgumentAsync(response, "resource is not legal: 1-64 characters of A-Z a-z 0-9 _ -");
        Assert.Equal(HttpStatusCode.BadRequest, await SocketGatewayFactory.RefusedUpgradeStatusAsync(factory.SocketUri(query), token));
    }

    [Fact]
    public async Task Connect_IsRefused400_WhenTheRequestIsNotAWebSocketUpgrade()
    {
        using var response = await factory.GetSocketRouteAsync("resource=web_1", await factory.UserTokenAsync("alice"));

        await Api.AssertIllegalArgumentAsync(response, "this route expects a WebSocket upgrade");
    }

    [Fact]
    public async Task Connect_IsRefused404_WhenTheAppIsUnknown()
    {
        using var response = await factory.GetSocketRouteAsync("resource=web_1", await factory.UserTokenAsync("alice"), app: "nope");

        await Api.AssertErrorAsync(response, HttpStatusCode.NotFound, "organization_application_not_found");
    }

    [Fact]
    public async Task Connect_LogsTheResourceInAndSendsTheDeviceItsOwnPresence_WhenTheTokenIsInTheQuery()
    {
        var token = await factory.UserTokenAsync("Query.User");
        var loginAt = factory.Clock.GetUtcNow().ToUnixTimeSeconds();

        await using var device = await SocketClient.ConnectAsync(factory.SocketUri($"resource=web_1&access_token={token}"), bearer: null);
        var own = await device.WaitForAsync(f => SocketClient.Type(f) == "presence", because: "the device's own presence");

        Assert.Equal(["type", "uid", "status_type", "status", "ext", "last_time", "version"], Api.Names(own));
        Assert.Equal("query.user", Api.Str(own, "uid"));
        Assert.Equal("online", Api.Str(own, "status_type"));
        Assert.Equal(new Dictionary<string, string> { ["web_1"] = "1" }, Api.StatusMap(own));
        Assert.Equal(loginAt.ToString(), Api.Str(own, "last_time"));
        Assert.Equal(JsonValueKind.Number, own.GetProperty("version").ValueKind);
        var rest = await factory.PresenceAsync("query.user");
        Assert.Equal(new Dictionary<string, string> { ["web_1"] = "1" }, Api.StatusMap(rest));
    }

    [Fact]
    public async Task Connection_IsClosedWith4001_WhenItsTokenExpires()
    {
        var token = await factory.UserTokenAsync("shortlived", ttl: 120);
        await using var device = await SocketClient.ConnectAsync(factory.SocketUri("resource=web_1"), token);
        await device.WaitForAsync(f => SocketClient.Type(f) == "presence");

        factory.Clock.Advance(TimeSpan.FromSeconds(121));
        await device.WaitForEndAsync();

        Assert.Equal((WebSocketCloseStatus)4001, device.CloseStatus);
        Assert.Equal("token expired", device.CloseDescription);
        await factory.WaitForStatusAsync("shortlived", "web_1", "0");
    }

    [Fact]
    public async Task Connection_StaysOpenPastTheLongestTimerWait_AndClosesWith4001_WhenALongTokenExpires()
    {
        // Three days: more than one timer period (timers wait at most a day here, ~49 days on a real clock).
        var token = await factory.UserTokenAsync("longlived", ttl: 3 * 24 * 3600);
        await using var device = await SocketClient.ConnectAsync(factory.SocketUri("resource=web_1"), token);
        await device.WaitForAsync(f => SocketClient.Type(f) == "presence");

        factory.Clock.Advance(TimeSpan.FromDays(2));
        var reply = await device.RequestAsync(SocketClient.Op("query", ("users", SocketClient.Users(["longlived"]))));
        factory.Clock.Advance(TimeSpan.FromDays(1));
        await device.WaitForEndAsync();

        Assert.Equal("reply", SocketClient.Type(reply));
        Assert.Equal((WebSocketCloseStatus)4001, device.CloseStatus);
    }

    [Fact]
    public async Task SecondConnection_ReplacesTheFirstWith4000_AndTheResourceStaysOnline()
    {
        await using var first = await factory.ConnectAsync("replaced", "web_1");
        await first.WaitForAsync(f => SocketClient.Type(f) == "presence");

        await using var second = await factory.ConnectAsync("replaced", "web_1");
        await first.WaitForEndAsync();
        var ok = await second.RequestAsync(SocketClient.Op("set_status", ("ext", "still here")));

        Assert.Equal((WebSocketCloseStatus)4000, first.CloseStatus);
        Assert.Equal("reply", SocketClient.Type(ok));
        var presence = await factory.PresenceAsync("replaced");
        Assert.Equal("1", Api.StatusMap(presence)["web_1"]);
        Assert.Equal("still here", Api.Str(presence, "ext"));
    }
}
