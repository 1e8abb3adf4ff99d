using System.Net;

namespace Presence.Api.Tests;

/// <summary>Two configured apps: the development default is gone, and tenants see nothing of each other.</summary>
public sealed class MultiAppTests(MultiAppTests.TwoAppsFactory factory) : IClassFixture<MultiAppTests.TwoAppsFactory>
{
    public sealed class TwoAppsFactory : GatewayFactory
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
        {
            ["Presence:Apps:0:Org"] = "acme",
            ["Presence:Apps:0:App"] = "chat",
            ["Presence:Apps:0:ClientId"] = "chat-client",
            ["Presence:Apps:0:ClientSecret"] = "chat-secret-1",
            ["Presence:Apps:1:Org"] = "acme",
            ["Presence:Apps:1:App"] = "game",
            ["Presence:Apps:1:ClientId"] = "game-client",
            ["Presence:Apps:1:ClientSecret"] = "game-secret-1",
        };
    }

    private readonly GatewayClient _chat = factory.CreateGatewayClient("acme", "chat");
    private readonly GatewayClient _game = factory.CreateGatewayClient("acme", "game");

    [Fact]
    public async Task PresenceRoute_Returns401_WhenTokenWasIssuedForAnotherApp()
    {
        var chatToken = await _chat.AppTokenAsync("chat-client", "chat-secret-1");

        using var response = await _game.GetPresenceAsync(chatToken, "u1", "u2");

        await Api.AssertUnauthorizedAsync(response);
    }

    [Fact]
    public async Task UserToken_Returns401_WhenUsedOnAnotherApp()
    {
        var userToken = await _chat.UserTokenAsync(await _chat.AppTokenAsync("chat-client", "chat-secret-1"), "u1");

        using var response = await _game.GetSubscriptionsAsync(userToken, "u1");

        await Api.AssertUnauthorizedAsync(response);
    }

    [Fact]
    public async Task ClientCredentials_Returns401_WhenCredentialsBelongToAnotherApp()
    {
        using var response = await _game.RequestTokenAsync("""{"grant_type":"client_credentials","client_id":"chat-client","client_secret":"chat-secret-1"}""");

        await Api.AssertUnauthorizedAsync(response);
    }

    [Fact]
    public async Task Presence_IsNotVisible_FromAnotherAppWithTheSameUsername()
    {
        var chatToken = await _chat.AppTokenAsync("chat-client", "chat-secret-1");
        var gameToken = await _game.AppTokenAsync("game-client", "game-secret-1");
        using (var set = await _chat.SetPresenceAsync(chatToken, "shared", "web", "1", "in chat"))
            await Api.AssertOkResultAsync(set);

        using var fromGame = await _game.GetPresenceAsync(gameToken, "viewer", "shared");
        using var fromChat = await _chat.GetPresenceAsync(chatToken, "viewer", "shared");

        var game = (await Api.ReadJsonAsync(fromGame, HttpStatusCode.OK)).GetProperty("result")[0];
        Assert.Equal("", Api.Str(game, "ext"));
        Assert.Empty(Api.StatusMap(game));
        var chat = (await Api.ReadJsonAsync(fromChat, HttpStatusCode.OK)).GetProperty("result")[0];
        Assert.Equal("in chat", Api.Str(chat, "ext"));
    }

    [Fact]
    public async Task ApplicationIds_Differ_BetweenApps()
    {
        async Task<string> ApplicationAsync(GatewayClient client, string id, string secret)
        {
            using var response = await client.RequestTokenAsync($$"""{"grant_type":"client_credentials","client_id":"{{id}}","client_secret":"{{secret}}"}""");
            return Api.Str(await Api.ReadJsonAsync(response, HttpStatusCode.OK), "application");
        }

        Assert.NotEqual(
            await ApplicationAsync(_chat, "chat-client", "chat-secret-1"),
            await ApplicationAsync(_game, "game-client", "game-secret-1"));
    }

    [Fact]
    public async Task DevelopmentApp_IsNotServed_WhenAppsAreConfigured()
    {
        var demo = factory.CreateGatewayClient();

        using var response = await demo.RequestTokenAsync("""{"grant_type":"client_credentials","client_id":"demo-client","client_secret":"demo-secret"}""");

        await Api.AssertErrorAsync(response, HttpStatusCode.NotFound, "organization_application_not_found");
    }
}
