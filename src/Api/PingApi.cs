using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Presence.Api;

/// <summary>
/// <c>GET /{org}/{app}/ping</c>: an authenticated no-op, the baseline of the benchmarks (bench/run.sh). It
/// passes the same checks as the presence routes — app lookup and token check (the token scheme), rate limit (route name
/// <c>Ping</c>) — and answers <c>{"result":"ok"}</c> through the same JSON context, but calls no grain: what
/// a presence route costs beyond it is the runtime's and the grain's.
/// </summary>
internal static class PingApi
{
    internal const string RouteName = "Ping";

    public static RouteHandlerBuilder MapPingApi(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/{org}/{app}/ping", Ping)
            .WithTags("Diagnostics")
            .WithName(RouteName)
            .WithSummary("Authenticated no-op: token check and {\"result\":\"ok\"}, no grain call")
            .RequireAuthorization(PresencePolicies.Token)
            .AddEndpointFilter<RateLimitEndpointFilter>();

    internal static Ok<ResultResponse> Ping() => TypedResults.Ok(ResultResponse.Ok);
}
