using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Presence.Testing;

namespace Presence.Api.Tests;

/// <summary>Per app and per route limits: 3 calls per hour by default here, so windows never reset during a test.</summary>
public sealed class RateLimitTests(RateLimitTests.LimitedFactory factory) : IClassFixture<RateLimitTests.LimitedFactory>
{
    public sealed class LimitedFactory : GatewayFactory
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Presence:RateLimits:PermitLimit"] = "3",
            ["Presence:RateLimits:Window"] = "01:00:00",
            ["Presence:RateLimits:Routes:IssueToken:PermitLimit"] = "1000",
            ["Presence:RateLimits:Routes:GetPresence:PermitLimit"] = "5",
            ["Presence:RateLimits:Routes:GetSubscriptions:PermitLimit"] = "1",
            ["Presence:RateLimits:Routes:GetSubscriptions:Window"] = "00:00:00.200",
            ["Presence:Apps:0:Org"] = "org1",
            ["Presence:Apps:0:App"] = "app1",
            ["Presence:Apps:0:ClientId"] = "c1",
            ["Presence:Apps:0:ClientSecret"] = "s1",
            ["Presence:Apps:1:Org"] = "org1",
            ["Presence:Apps:1:App"] = "app2",
            ["Presence:Apps:1:ClientId"] = "c2",
            ["Presence:Apps:1:ClientSecret"] = "s2",
        };
    }

    private readonly GatewayClient _app1 = factory.CreateGatewayClient("org1", "app1");
    private readonly GatewayClient _app2 = factory.CreateGatewayClient("org1", "app2");

    [Fact]
    public async Task SetPresence_Returns429WithRetryAfter_WhenAppExceedsItsRoutePermits()
    {
        var token = await _app1.AppTokenAsync("c1", "s1");
        for (var i = 0; i < 3; i++)
        {
            using var allowed = await _app1.SetPresenceAsync(token, $"limited{i}", "web", "1");
            await Api.AssertOkResultAsync(allowed);
        }

        using var limited = await _app1.SetPresenceAsync(token, "limited9", "web", "1");

        await Api.AssertErrorAsync(limited, HttpStatusCode.TooManyRequests, "reach_limit", "This request has reached api limit");
        var retryAfter = Assert.Single(limited.Headers.GetValues("Retry-After"));
        Assert.InRange(int.Parse(retryAfter), 1, 3600);

        // Another app keeps its own budget on the same route.
        var other = await _app2.AppTokenAsync("c2", "s2");
        using var otherApp = await _app2.SetPresenceAsync(other, "limited0", "web", "1");
        await Api.AssertOkResultAsync(otherApp);
    }

    [Fact]
    public async Task Routes_HaveSeparateBudgets_WhenOneRouteIsExhausted()
    {
        var token = await _app2.AppTokenAsync("c2", "s2");
        for (var i = 0; i < 3; i++)
        {
            using var allowed = await _app2.SubscribeAsync(token, "budget", 60, $"t{i}");
            await Api.ReadJsonAsync(allowed, HttpStatusCode.OK);
        }
        using (var limited = await _app2.SubscribeAsync(token, "budget", 60, "t9"))
            await Api.AssertErrorAsync(limited, HttpStatusCode.TooManyRequests, "reach_limit");

        using var unsubscribe = await _app2.UnsubscribeAsync(token, "budget", "t0");

        await Api.AssertOkResultAsync(unsubscribe);
    }

    [Fact]
    public async Task RouteOverride_AllowsItsOwnPermitCount_WhenConfigured()
    {
        var token = await _app1.AppTokenAsync("c1", "s1");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await _app1.GetPresenceAsync(token, "override", "x");
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 5), HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task Limit_AllowsCallsAgain_WhenWindowHasPassed()
    {
        var token = await _app1.AppTokenAsync("c1", "s1");
        using (var first = await _app1.GetSubscriptionsAsync(token, "window"))
            await Api.ReadJsonAsync(first, HttpStatusCode.OK);
        // One call per 200 ms of real time: a slow call (the grain's first activation on a busy machine) can outlast a
        // window, so call until two calls land in the same one.
        HttpResponseMessage? limited = null;
        await Eventually.TrueAsync(async () =>
        {
            limited?.Dispose();
            limited = await _app1.GetSubscriptionsAsync(token, "window");
            return limited.StatusCode == HttpStatusCode.TooManyRequests;
        }, because: "a second call in the same window is refused");
        using (limited)
            await Api.AssertErrorAsync(limited!, HttpStatusCode.TooManyRequests, "reach_limit");

        await Eventually.TrueAsync(async () =>
        {
            using var again = await _app1.GetSubscriptionsAsync(token, "window");
            return again.StatusCode == HttpStatusCode.OK;
        }, because: "a 200 ms window reopens");
    }

    [Fact]
    public async Task RateLimit_Is401First_WhenTokenIsMissing()
    {
        for (var i = 0; i < 5; i++)
        {
            using var response = await _app2.SendAsync(HttpMethod.Post, "users/anon/presence/web/1", body: """{"ext":""}""");
            await Api.AssertUnauthorizedAsync(response);
        }

        var token = await _app2.AppTokenAsync("c2", "s2");
        using var authenticated = await _app2.SetPresenceAsync(token, "anon", "web", "1");
        await Api.AssertOkResultAsync(authenticated);
    }

    [Fact]
    public void Defaults_AreFiftyPerSecond_WhenNothingIsConfigured()
    {
        var defaults = new PresenceRateLimitOptions();

        Assert.True(defaults.Enabled);
        Assert.Equal(50, defaults.PermitLimit);
        Assert.Equal(TimeSpan.FromSeconds(1), defaults.Window);
        Assert.Equal(3, factory.Services.GetRequiredService<IOptions<PresenceRateLimitOptions>>().Value.PermitLimit);
    }
}
