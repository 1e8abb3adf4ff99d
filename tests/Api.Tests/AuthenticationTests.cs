using System.Net;

namespace Presence.Api.Tests;

public sealed class AuthenticationTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private readonly GatewayClient _client = factory.CreateGatewayClient();

    [Fact]
    public async Task PresenceRoute_Returns401_WhenAuthorizationIsMissing()
    {
        using var response = await _client.GetPresenceAsync(token: null!, "u1", "u2");

        await Api.AssertUnauthorizedAsync(response);
    }

    [Theory]
    [InlineData("Basic ZGVtbzpkZW1v")]
    [InlineData("Bearer")]
    [InlineData("Bearer ")]
    [InlineData("Bearer not-a-token")]
    [InlineData("Bearer YWMtnjEbUopPEeybKGMmN0wpeZsaLSh8UEgpirS4wNAM_qx8oS2wik8R7LE4Rclv5hu9AwMAAAF-4tr__wBPGgDWGAeO86wl2lHGeTnU030fpWuEDR015Vk6ULWGYGKccA")]
    [InlineData("Bearer !!!!")]
    [InlineData("Bearer ünïcode-tøken")]
    public async Task PresenceRoute_Returns401_WhenTokenIsMalformed(string authorization)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/demo/demo/users/u1/presence")
        {
            Content = new StringContent("""{"usernames":["u2"]}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", authorization);

        using var response = await _client.Http.SendAsync(request);

        await Api.AssertUnauthorizedAsync(response);
    }

    [Fact]
    public async Task PresenceRoute_Returns401_WhenTokenIsTooLong()
    {
        using var response = await _client.GetPresenceAsync(new string('A', 100_000), "u1", "u2");

        await Api.AssertUnauthorizedAsync(response);
    }

    [Fact]
    public async Task PresenceRoute_Returns401_WhenTokenWasTamperedWith()
    {
        var token = await _client.AppTokenAsync();
        var chars = token.ToCharArray();
        var i = chars.Length / 2;
        chars[i] = chars[i] == 'A' ? 'B' : 'A';

        using var response = await _client.GetPresenceAsync(new string(chars), "u1", "u2");

        await Api.AssertUnauthorizedAsync(response);
    }

    [Fact]
    public async Task PresenceRoute_Returns401_WhenTokenHasExpired()
    {
        var token = await _client.AppTokenAsync(ttl: 60);
        using (var before = await _client.GetPresenceAsync(token, "u1", "u2"))
            await Api.ReadJsonAsync(before, HttpStatusCode.OK);

        factory.Clock.Advance(TimeSpan.FromSeconds(60));

        using var after = await _client.GetPresenceAsync(token, "u1", "u2");
        await Api.AssertUnauthorizedAsync(after);
    }

    [Fact]
    public async Task UserToken_Returns401_WhenItHasExpired()
    {
        var token = await _client.UserTokenAsync(await _client.AppTokenAsync(), "expiring", ttl: 10);

        factory.Clock.Advance(TimeSpan.FromSeconds(11));

        using var response = await _client.GetSubscriptionsAsync(token, "expiring");
        await Api.AssertUnauthorizedAsync(response);
    }

    [Fact]
    public async Task AppToken_ActsOnAnyUser_WhenValid()
    {
        var token = await _client.AppTokenAsync();

        using var first = await _client.SetPresenceAsync(token, "anyone1", "web", "1");
        using var second = await _client.SetPresenceAsync(token, "anyone2", "web", "1");

        await Api.AssertOkResultAsync(first);
        await Api.AssertOkResultAsync(second);
    }

    [Fact]
    public async Task UserToken_ActsAsItself_WhenPathUsernameDiffersOnlyInCase()
    {
        var token = await _client.UserTokenAsync(await _client.AppTokenAsync(), "selfie");

        using var set = await _client.SetPresenceAsync(token, "SelFie", "ios", "1", "hi");
        using var subscribe = await _client.SubscribeAsync(token, "selfie", 100, "friend");
        using var list = await _client.GetSubscriptionsAsync(token, "SELFIE");

        await Api.AssertOkResultAsync(set);
        await Api.ReadJsonAsync(subscribe, HttpStatusCode.OK);
        await Api.ReadJsonAsync(list, HttpStatusCode.OK);
    }

    [Fact]
    public async Task UserToken_Returns403_WhenActingOnAnotherUser()
    {
        var token = await _client.UserTokenAsync(await _client.AppTokenAsync(), "mallory");

        using var set = await _client.SetPresenceAsync(token, "alice", "ios", "1");
        using var subscribe = await _client.SubscribeAsync(token, "alice", 100, "bob");
        using var get = await _client.GetPresenceAsync(token, "alice", "bob");
        using var unsubscribe = await _client.UnsubscribeAsync(token, "alice");
        using var list = await _client.GetSubscriptionsAsync(token, "alice");

        foreach (var response in new[] { set, subscribe, get, unsubscribe, list })
            await Api.AssertErrorAsync(response, HttpStatusCode.Forbidden, "forbidden", "A user token may act only as its own user");
    }
}
