using System.Net;
using System.Text.Json;

namespace Presence.Api.Tests;

public sealed class TokenEndpointTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private readonly GatewayClient _client = factory.CreateGatewayClient();

    [Fact]
    public async Task ClientCredentials_ReturnsAppTokenWithEasemobShape_WhenCredentialsAreRight()
    {
        using var response = await _client.RequestTokenAsync("""{"grant_type":"client_credentials","client_id":"demo-client","client_secret":"demo-secret","ttl":3600}""");

        var json = await Api.ReadJsonAsync(response, HttpStatusCode.OK);
        Assert.Equal(["access_token", "expires_in", "application"], Api.Names(json));
        Assert.False(string.IsNullOrEmpty(Api.Str(json, "access_token")));
        Assert.Equal(JsonValueKind.Number, json.GetProperty("expires_in").ValueKind);
        Assert.Equal(3600, json.GetProperty("expires_in").GetInt64());
        Assert.True(Guid.TryParse(Api.Str(json, "application"), out _));
    }

    [Fact]
    public async Task ClientCredentials_ReturnsSameApplicationId_WhenAskedTwice()
    {
        async Task<string> ApplicationAsync()
        {
            using var response = await _client.RequestTokenAsync("""{"grant_type":"client_credentials","client_id":"demo-client","client_secret":"demo-secret"}""");
            return Api.Str(await Api.ReadJsonAsync(response, HttpStatusCode.OK), "application");
        }

        Assert.Equal(await ApplicationAsync(), await ApplicationAsync());
    }

    [Theory]
    [InlineData("")]
    [InlineData(",\"ttl\":0")]
    public async Task ClientCredentials_ExpiresInSixtyDays_WhenTtlIsAbsentOrZero(string ttl)
    {
        using var response = await _client.RequestTokenAsync($$"""{"grant_type":"client_credentials","client_id":"demo-client","client_secret":"demo-secret"{{ttl}}}""");

        var json = await Api.ReadJsonAsync(response, HttpStatusCode.OK);
        Assert.Equal(60L * 24 * 3600, json.GetProperty("expires_in").GetInt64());
    }

    [Fact]
    public async Task ClientCredentials_AcceptsOneYear_WhenTtlIsTheMaximum()
    {
        using var response = await _client.RequestTokenAsync("""{"grant_type":"client_credentials","client_id":"demo-client","client_secret":"demo-secret","ttl":31536000}""");

        var json = await Api.ReadJsonAsync(response, HttpStatusCode.OK);
        Assert.Equal(31_536_000, json.GetProperty("expires_in").GetInt64());
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("31536001")]
    [InlineData("99999999999")]
    public async Task ClientCredentials_Returns400_WhenTtlIsNegativeOrOverOneYear(string ttl)
    {
        using var response = await _client.RequestTokenAsync($$"""{"grant_type":"client_credentials","client_id":"demo-client","client_secret":"demo-secret","ttl":{{ttl}}}""");

        await Api.AssertIllegalArgumentAsync(response, "ttl must be from 0 to 31536000 seconds");
    }

    [Theory]
    [InlineData("\"abc\"")]
    [InlineData("1.5")]
    [InlineData("true")]
    [InlineData("1e400")]
    public async Task ClientCredentials_Returns400_WhenTtlIsNotAnInteger(string ttl)
    {
        using var response = await _client.RequestTokenAsync($$"""{"grant_type":"client_credentials","client_id":"demo-client","client_secret":"demo-secret","ttl":{{ttl}}}""");

        await Api.AssertErrorAsync(response, HttpStatusCode.BadRequest, "illegal_argument");
    }

    [Theory]
    [InlineData("demo-client", "wrong-secret")]
    [InlineData("other-client", "demo-secret")]
    [InlineData("demo-client", "demo-secret ")]
    [InlineData("DEMO-CLIENT", "demo-secret")]
    public async Task ClientCredentials_Returns401_WhenCredentialsAreWrong(string clientId, string clientSecret)
    {
        using var response = await _client.RequestTokenAsync($$"""{"grant_type":"client_credentials","client_id":"{{clientId}}","client_secret":"{{clientSecret}}"}""");

        await Api.AssertUnauthorizedAsync(response);
    }

    [Fact]
    public async Task ClientCredentials_Returns400_WhenSecretIsMissing()
    {
        using var response = await _client.RequestTokenAsync("""{"grant_type":"client_credentials","client_id":"demo-client"}""");

        await Api.AssertIllegalArgumentAsync(response, "client_id and client_secret are required");
    }

    [Theory]
    [InlineData("""{"grant_type":"refresh_token","username":"u","password":"p"}""", "grant_type must be client_credentials, inherit or password")]
    [InlineData("""{"client_id":"demo-client","client_secret":"demo-secret"}""", "grant_type is required")]
    [InlineData("{}", "grant_type is required")]
    public async Task Token_Returns400_WhenGrantTypeIsMissingOrUnknown(string body, string description)
    {
        using var response = await _client.RequestTokenAsync(body);

        await Api.AssertIllegalArgumentAsync(response, description);
    }

    [Fact]
    public async Task Inherit_ReturnsUserTokenWithEasemobShape_WhenCalledWithAppToken()
    {
        var appToken = await _client.AppTokenAsync();

        using var response = await _client.RequestTokenAsync("""{"grant_type":"inherit","username":"Alice.Smith","ttl":3600}""", appToken);

        var json = await Api.ReadJsonAsync(response, HttpStatusCode.OK);
        Assert.Equal(["access_token", "expires_in", "user"], Api.Names(json));
        Assert.False(string.IsNullOrEmpty(Api.Str(json, "access_token")));
        Assert.Equal(3600, json.GetProperty("expires_in").GetInt64());
        var user = json.GetProperty("user");
        Assert.Equal(["uuid", "type", "username", "activated"], Api.Names(user));
        Assert.True(Guid.TryParse(Api.Str(user, "uuid"), out _));
        Assert.Equal("user", Api.Str(user, "type"));
        Assert.Equal("alice.smith", Api.Str(user, "username"));
        Assert.Equal(JsonValueKind.True, user.GetProperty("activated").ValueKind);
    }

    [Fact]
    public async Task Inherit_GivesSameUuid_WhenUsernameDiffersOnlyInCase()
    {
        var appToken = await _client.AppTokenAsync();

        async Task<string> UuidAsync(string username)
        {
            using var response = await _client.RequestTokenAsync($$"""{"grant_type":"inherit","username":"{{username}}"}""", appToken);
            return Api.Str((await Api.ReadJsonAsync(response, HttpStatusCode.OK)).GetProperty("user"), "uuid");
        }

        Assert.Equal(await UuidAsync("Bob"), await UuidAsync("bob"));
        Assert.NotEqual(await UuidAsync("bob"), await UuidAsync("bob2"));
    }

    [Fact]
    public async Task Inherit_Returns401_WhenNoTokenIsGiven()
    {
        using var response = await _client.RequestTokenAsync("""{"grant_type":"inherit","username":"u1"}""");

        await Api.AssertUnauthorizedAsync(response);
    }

    [Fact]
    public async Task Inherit_Returns403_WhenCalledWithUserToken()
    {
        var userToken = await _client.UserTokenAsync(await _client.AppTokenAsync(), "u1");

        using var response = await _client.RequestTokenAsync("""{"grant_type":"inherit","username":"u2"}""", userToken);

        await Api.AssertErrorAsync(response, HttpStatusCode.Forbidden, "forbidden");
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("\"has space\"")]
    [InlineData("\"ünïcode\"")]
    [InlineData("null")]
    [InlineData("\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"")]
    public async Task Inherit_Returns400_WhenUsernameIsNotLegal(string username)
    {
        var appToken = await _client.AppTokenAsync();

        using var response = await _client.RequestTokenAsync($$"""{"grant_type":"inherit","username":{{username}}}""", appToken);

        await Api.AssertIllegalArgumentAsync(response, "username is not legal: 1-64 characters of A-Z a-z 0-9 _ - .");
    }

    [Fact]
    public async Task Token_Returns404_WhenAppIsUnknown()
    {
        var other = factory.CreateGatewayClient("demo", "nope");

        using var response = await other.RequestTokenAsync("""{"grant_type":"client_credentials","client_id":"demo-client","client_secret":"demo-secret"}""");

        await Api.AssertErrorAsync(response, HttpStatusCode.NotFound, "organization_application_not_found", "Could not find application for demo/nope");
    }

    [Fact]
    public async Task Token_IsServed_WhenOrgAndAppDifferInCase()
    {
        var upper = factory.CreateGatewayClient("DEMO", "Demo");

        var token = await upper.AppTokenAsync();

        using var response = await _client.GetPresenceAsync(token, "u1", "u2");
        await Api.ReadJsonAsync(response, HttpStatusCode.OK);
    }
}
