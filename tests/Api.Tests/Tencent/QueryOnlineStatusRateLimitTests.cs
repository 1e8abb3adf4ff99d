using System.Net;

namespace Presence.Api.Tests;

/// <summary>The route's own rate limit (<c>QueryOnlineStatus</c>), per app, answered in Tencent's shape: 2 calls per hour here.</summary>
public sealed class QueryOnlineStatusRateLimitTests(QueryOnlineStatusRateLimitTests.LimitedFactory factory)
    : IClassFixture<QueryOnlineStatusRateLimitTests.LimitedFactory>
{
    public sealed class LimitedFactory : TencentRouteFactory
    {
        protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
        {
            ["Presence:RateLimits:Routes:QueryOnlineStatus:PermitLimit"] = "2",
            ["Presence:RateLimits:Routes:QueryOnlineStatus:Window"] = "01:00:00",
        };
    }

    [Fact]
    public async Task Query_Fails60007WithRetryAfter_WhenTheAppIsOverItsLimit_CountingRefusedSigsToo()
    {
        var now = factory.Clock.GetUtcNow().ToUnixTimeSeconds();
        var sigs = await TencentSigs.MakeAsync(
            new UserSigSpec(TencentSigs.SdkAppId, TencentSigs.Key, TencentSigs.Admin, 86400, now),
            new UserSigSpec(TencentSigs.OtherSdkAppId, TencentSigs.OtherKey, TencentRouteFactory.OtherAdmin, 86400, now));
        var route = TencentRouteFactory.Route(TencentSigs.SdkAppId, TencentSigs.Admin, sigs[0]);
        const string body = """{"To_Account":["a"]}""";

        using (var first = await factory.PostAsync(route, body))
            await TencentApiAssert.OkAsync(first);
        using (var refused = await factory.PostAsync(TencentRouteFactory.Route(TencentSigs.SdkAppId, TencentSigs.Admin, "garbage"), body))
            await TencentApiAssert.FailAsync(refused, 70003);
        using var limited = await factory.PostAsync(route, body);
        using var otherApp = await factory.PostAsync(TencentRouteFactory.Route(TencentSigs.OtherSdkAppId, TencentRouteFactory.OtherAdmin, sigs[1]), body);

        await TencentApiAssert.FailAsync(limited, 60007);
        Assert.InRange(int.Parse(Assert.Single(limited.Headers.GetValues("Retry-After"))), 1, 3600);
        await TencentApiAssert.OkAsync(otherApp); // another app keeps its own budget
    }
}
