using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Presence.Api.Tests;

/// <summary>
/// What <c>HttpContext.User</c> holds once the real pipeline has authenticated a request, recorded as the response starts.
/// </summary>
public sealed class HttpContextUserTests(HttpContextUserTests.UserRecordingFactory factory) : IClassFixture<HttpContextUserTests.UserRecordingFactory>
{
    private readonly GatewayClient _client = factory.CreateGatewayClient();

    [Fact]
    public async Task PresenceRoute_LeavesTheUserTokensOrgAppUsernameAndKindInTheUser()
    {
        var token = await _client.UserTokenAsync(await _client.AppTokenAsync(), "User.Claims");

        using var response = await _client.GetSubscriptionsAsync(token, "user.claims");

        await Api.ReadJsonAsync(response, HttpStatusCode.OK);
        var user = factory.UserOf("/demo/demo/users/user.claims/presence/sublist");
        Assert.Equal(PresenceAuthenticationSchemes.Token, user.Identity?.AuthenticationType);
        Assert.Equal("demo", user.FindFirstValue(PresenceClaimTypes.Org));
        Assert.Equal("demo", user.FindFirstValue(PresenceClaimTypes.App));
        Assert.Equal("user.claims", user.FindFirstValue(PresenceClaimTypes.Username));
        Assert.Equal("user", user.FindFirstValue(PresenceClaimTypes.TokenKind));
    }

    [Fact]
    public async Task Ping_LeavesAnAppTokenWithoutUsernameInTheUser()
    {
        using var response = await _client.SendAsync(HttpMethod.Get, "/demo/demo/ping", await _client.AppTokenAsync());

        await Api.AssertOkResultAsync(response);
        var user = factory.UserOf("/demo/demo/ping");
        Assert.Equal("app", user.FindFirstValue(PresenceClaimTypes.TokenKind));
        Assert.Null(user.FindFirst(PresenceClaimTypes.Username));
    }

    [Fact]
    public async Task SocketRoute_LeavesTheUserOfTheAccessTokenQueryInTheUser()
    {
        var token = await _client.UserTokenAsync(await _client.AppTokenAsync(), "socket.claims");
        var path = $"/demo/demo/ws?resource=web_1&access_token={token}";

        // A plain GET passes the token check and is then refused for not being an upgrade.
        using var response = await _client.Http.GetAsync(path);

        await Api.AssertIllegalArgumentAsync(response, "this route expects a WebSocket upgrade");
        var user = factory.UserOf(path);
        Assert.Equal("socket.claims", user.Identity?.Name);
        Assert.Equal("user", user.FindFirstValue(PresenceClaimTypes.TokenKind));
    }

    [Fact]
    public async Task AdminRoute_LeavesTheOperatorInTheUser()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/apps/demo/demo/users/nobody/watchers")
        {
            Headers = { Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("admin:admin-secret"u8)) },
        };

        using var response = await _client.Http.SendAsync(request);

        await Api.ReadJsonAsync(response, HttpStatusCode.OK);
        var user = factory.UserOf("/admin/apps/demo/demo/users/nobody/watchers");
        Assert.Equal(PresenceAuthenticationSchemes.Operator, user.Identity?.AuthenticationType);
        Assert.True(user.IsInRole(PresenceClaimTypes.OperatorRole));
        Assert.Null(user.FindFirst(PresenceClaimTypes.TokenKind));
    }

    /// <summary>The development silo, keeping <c>HttpContext.User</c> of each request by path and query.</summary>
    public sealed class UserRecordingFactory : GatewayFactory
    {
        private readonly ConcurrentDictionary<string, ClaimsPrincipal> _users = new();

        public ClaimsPrincipal UserOf(string pathAndQuery) =>
            Assert.Contains(pathAndQuery, (IReadOnlyDictionary<string, ClaimsPrincipal>)_users);

        protected override void ConfigureServices(IServiceCollection services) =>
            services.AddSingleton<IStartupFilter>(new RecordUsers(_users));

        /// <summary>Outermost middleware: by the time the response starts, authentication has set the user.</summary>
        private sealed class RecordUsers(ConcurrentDictionary<string, ClaimsPrincipal> users) : IStartupFilter
        {
            public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
            {
                app.Use((context, nextMiddleware) =>
                {
                    context.Response.OnStarting(() =>
                    {
                        users[context.Request.Path + context.Request.QueryString] = context.User;
                        return Task.CompletedTask;
                    });
                    return nextMiddleware(context);
                });
                next(app);
            };
        }
    }
}
