using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;

namespace Presence.Api.Tests;

/// <summary>
/// The two authentication schemes and the policies, on a bare <see cref="DefaultHttpContext"/>: what the principal
/// carries, where a token is read from, what a challenge writes and what each policy refuses.
/// </summary>
public sealed class AuthenticationSchemeTests : IDisposable
{
    private readonly ManualTimeProvider _clock = new(GatewayFactory.Start);
    private readonly ServiceProvider _services;
    private readonly List<IServiceScope> _scopes = [];
    private readonly PresenceApp _app;
    private readonly TokenService _tokens;

    public AuthenticationSchemeTests()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddSingleton<IHostEnvironment>(new HostingEnvironment { EnvironmentName = Environments.Development });
        services.AddSingleton<TimeProvider>(_clock);
        services.AddLogging();
        services.AddPresenceOperatorCredential();
        services.AddPresenceApi();
        _services = services.BuildServiceProvider();
        Assert.True(_services.GetRequiredService<PresenceAppRegistry>().TryGet("demo", "demo", out var app));
        _app = app;
        _tokens = _services.GetRequiredService<TokenService>();
    }

    public void Dispose()
    {
        foreach (var scope in _scopes)
            scope.Dispose();
        _services.Dispose();
    }

    [Fact]
    public async Task TokenScheme_PutsOrgAppUsernameAndKindInTheUser_ForAUserToken()
    {
        var context = Request("Demo", "DEMO", bearer: Issue(TokenKind.User, "alice", out var expiresAt));

        var result = await context.AuthenticateAsync(PresenceAuthenticationSchemes.Token);

        Assert.True(result.Succeeded);
        var user = result.Principal!;
        Assert.True(user.Identity!.IsAuthenticated);
        Assert.Equal(PresenceAuthenticationSchemes.Token, user.Identity.AuthenticationType);
        Assert.Equal("alice", user.Identity.Name);
        Assert.Equal("demo", user.FindFirstValue(PresenceClaimTypes.Org));
        Assert.Equal("demo", user.FindFirstValue(PresenceClaimTypes.App));
        Assert.Equal("alice", user.FindFirstValue(PresenceClaimTypes.Username));
        Assert.Equal("user", user.FindFirstValue(PresenceClaimTypes.TokenKind));
        Assert.Equal(new AccessToken(TokenKind.User, "alice", expiresAt), user.GetPresenceToken());
    }

    [Fact]
    public async Task TokenScheme_PutsNoUsernameInTheUser_ForAnAppToken()
    {
        var context = Request(bearer: Issue(TokenKind.App, null, out var expiresAt));

        var user = (await context.AuthenticateAsync(PresenceAuthenticationSchemes.Token)).Principal!;

        Assert.Equal("app", user.FindFirstValue(PresenceClaimTypes.TokenKind));
        Assert.Null(user.FindFirst(PresenceClaimTypes.Username));
        Assert.Null(user.Identity!.Name);
        Assert.Equal(new AccessToken(TokenKind.App, null, expiresAt), user.GetPresenceToken());
    }

    [Fact]
    public async Task TokenScheme_ReadsTheAccessTokenQuery_OnlyOnARouteThatAllowsIt_AndOnlyWithoutTheHeader()
    {
        var token = Issue(TokenKind.User, "alice", out _);

        var rest = Request(query: $"?access_token={token}");
        var socket = Request(query: $"?access_token={token}", socketRoute: true);
        var socketWithBadHeader = Request(bearer: "not-a-token", query: $"?access_token={token}", socketRoute: true);

        Assert.True((await rest.AuthenticateAsync(PresenceAuthenticationSchemes.Token)).None);
        Assert.Equal("alice", (await socket.AuthenticateAsync(PresenceAuthenticationSchemes.Token)).Principal?.Identity?.Name);
        Assert.True((await socketWithBadHeader.AuthenticateAsync(PresenceAuthenticationSchemes.Token)).None);
    }

    [Fact]
    public async Task TokenScheme_DoesNotAuthenticate_ATokenOfAnotherAppOrAnExpiredOne()
    {
        var other = new PresenceApp(new PresenceAppOptions { Org = "demo", App = "other", ClientId = "c", ClientSecret = "s" });
        var foreign = _tokens.Issue(other, TokenKind.App, null, TimeSpan.FromHours(1), out _);
        var expiring = Issue(TokenKind.App, null, out _, TimeSpan.FromSeconds(10));
        _clock.Advance(TimeSpan.FromSeconds(10));

        Assert.True((await Request(bearer: foreign).AuthenticateAsync(PresenceAuthenticationSchemes.Token)).None);
        Assert.True((await Request(bearer: expiring).AuthenticateAsync(PresenceAuthenticationSchemes.Token)).None);
    }

    [Fact]
    public async Task TokenScheme_Challenge_Answers404ForAnUnknownApp_And401WithTheBearerChallengeOtherwise()
    {
        var unknown = Request("nope", "nada", bearer: Issue(TokenKind.App, null, out _));
        var known = Request();

        await unknown.ChallengeAsync(PresenceAuthenticationSchemes.Token);
        await known.ChallengeAsync(PresenceAuthenticationSchemes.Token);

        Assert.Equal(StatusCodes.Status404NotFound, unknown.Response.StatusCode);
        Assert.Equal("Could not find application for nope/nada", ErrorBody(unknown).GetProperty("error_description").GetString());
        Assert.Equal(StatusCodes.Status401Unauthorized, known.Response.StatusCode);
        Assert.Equal("Bearer", known.Response.Headers.WWWAuthenticate.ToString());
        Assert.Equal(
            """{"error":"unauthorized","exception":"EasemobSecurityException","timestamp":1767225600000,"duration":0,"error_description":"Unable to authenticate (OAuth)"}""",
            Encoding.UTF8.GetString(((MemoryStream)known.Response.Body).ToArray()));
    }

    [Fact]
    public async Task SelfOrApp_AllowsAnAppTokenAndTheUsersOwnToken_AndForbidsAnotherUsersToken()
    {
        var appToken = await AuthorizeAsync(PresencePolicies.SelfOrApp, Issue(TokenKind.App, null, out _), username: "alice");
        var own = await AuthorizeAsync(PresencePolicies.SelfOrApp, Issue(TokenKind.User, "alice", out _), username: "ALICE");
        var other = await AuthorizeAsync(PresencePolicies.SelfOrApp, Issue(TokenKind.User, "mallory", out _), username: "alice");
        var none = await AuthorizeAsync(PresencePolicies.SelfOrApp, bearer: null, username: "alice");

        Assert.True(appToken.Succeeded);
        Assert.True(own.Succeeded);
        Assert.False(other.Succeeded);
        Assert.Equal("A user token may act only as its own user", Assert.Single(other.Failure!.FailureReasons).Message);
        Assert.False(none.Succeeded);
        Assert.Empty(none.Failure!.FailureReasons); // unauthenticated: challenged, not forbidden
    }

    [Fact]
    public async Task SocketUser_ForbidsAnAppToken_AndAUsernameQueryOfAnotherUser()
    {
        var appToken = await AuthorizeAsync(PresencePolicies.SocketUser, Issue(TokenKind.App, null, out _));
        var other = await AuthorizeAsync(PresencePolicies.SocketUser, Issue(TokenKind.User, "bob", out _), query: "?username=alice");
        var twice = await AuthorizeAsync(PresencePolicies.SocketUser, Issue(TokenKind.User, "bob", out _), query: "?username=bob&username=bob");
        var own = await AuthorizeAsync(PresencePolicies.SocketUser, Issue(TokenKind.User, "bob", out _), query: "?username=Bob");

        Assert.Equal("A user token is required to connect", Assert.Single(appToken.Failure!.FailureReasons).Message);
        Assert.Equal("A user token may act only as its own user", Assert.Single(other.Failure!.FailureReasons).Message);
        Assert.False(twice.Succeeded);
        Assert.True(own.Succeeded);
    }

    [Fact]
    public async Task Operator_IsGrantedByTheAdminCredentialOnly_NotByAnAppToken()
    {
        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{PresenceAdminOptions.DevelopmentUsername}:{PresenceAdminOptions.DevelopmentPassword}"));
        var admin = Request(authorization: basic);
        var appToken = Request(bearer: Issue(TokenKind.App, null, out _));
        var authorization = _services.GetRequiredService<IAuthorizationService>();

        var operatorUser = (await admin.AuthenticateAsync(PresenceAuthenticationSchemes.Operator)).Principal!;
        var tokenUser = (await appToken.AuthenticateAsync(PresenceAuthenticationSchemes.Token)).Principal!;

        Assert.True(operatorUser.IsInRole(PresenceClaimTypes.OperatorRole));
        Assert.True((await authorization.AuthorizeAsync(operatorUser, admin, PresencePolicies.Operator)).Succeeded);
        Assert.False((await authorization.AuthorizeAsync(tokenUser, appToken, PresencePolicies.Operator)).Succeeded);
        Assert.True((await appToken.AuthenticateAsync(PresenceAuthenticationSchemes.Operator)).None);
    }

    [Fact]
    public async Task OperatorScheme_Challenge_Answers401WithTheBasicRealm()
    {
        var context = Request();

        await context.ChallengeAsync(PresenceAuthenticationSchemes.Operator);

        Assert.Equal(StatusCodes.Status401Unauthorized, context.Response.StatusCode);
        Assert.Equal("Basic realm=\"presence-admin\"", context.Response.Headers.WWWAuthenticate.ToString());
        Assert.Equal("unauthorized", ErrorBody(context).GetProperty("error").GetString());
    }

    private string Issue(TokenKind kind, string? username, out DateTimeOffset expiresAt, TimeSpan? lifetime = null)
    {
        var token = _tokens.Issue(_app, kind, username, lifetime ?? TimeSpan.FromHours(1), out expiresAt);
        expiresAt = DateTimeOffset.FromUnixTimeSeconds(expiresAt.ToUnixTimeSeconds()); // tokens carry whole seconds
        return token;
    }

    /// <summary>A request to a route of <c>{org}/{app}</c> (and <c>{username}</c> when given), as routing leaves it.</summary>
    private DefaultHttpContext Request(
        string org = "demo", string app = "demo", string? bearer = null, string? authorization = null, string query = "",
        string? username = null, bool socketRoute = false)
    {
        // A scope per request, as the host makes: authentication handlers are per request.
        var scope = _services.CreateScope();
        _scopes.Add(scope);
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Response.Body = new MemoryStream();
        context.Request.RouteValues["org"] = org;
        context.Request.RouteValues["app"] = app;
        if (username is not null)
            context.Request.RouteValues["username"] = username;
        context.Request.QueryString = new QueryString(query);
        if (bearer is not null)
            context.Request.Headers.Authorization = $"Bearer {bearer}";
        else if (authorization is not null)
            context.Request.Headers.Authorization = authorization;
        var metadata = socketRoute ? new EndpointMetadataCollection(AccessTokenQueryMetadata.Instance) : EndpointMetadataCollection.Empty;
        context.SetEndpoint(new Endpoint(null, metadata, socketRoute ? "socket" : "rest"));
        return context;
    }

    /// <summary>Authenticates with the policy's scheme and evaluates it, as the authorization middleware does.</summary>
    private async Task<AuthorizationResult> AuthorizeAsync(string policy, string? bearer, string? username = null, string query = "")
    {
        var context = Request(bearer: bearer, username: username, query: query, socketRoute: policy == PresencePolicies.SocketUser);
        var user = (await context.AuthenticateAsync(PresenceAuthenticationSchemes.Token)).Principal ?? new ClaimsPrincipal(new ClaimsIdentity());
        return await context.RequestServices.GetRequiredService<IAuthorizationService>().AuthorizeAsync(user, context, policy);
    }

    private static JsonElement ErrorBody(HttpContext context) =>
        JsonDocument.Parse(((MemoryStream)context.Response.Body).ToArray()).RootElement;
}
