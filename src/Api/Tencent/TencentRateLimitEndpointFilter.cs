using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Presence.Diagnostics;

namespace Presence.Api;

/// <summary>
/// The app × route limit of <see cref="RateLimitEndpointFilter"/> on a Tencent route, answered in Tencent's shape
/// (60007). It runs before the UserSig check, as on the socket route, so refused calls count against the app too.
/// </summary>
internal sealed partial class TencentRateLimitEndpointFilter(PresenceRateLimiter limiter, ILogger<TencentRateLimitEndpointFilter> logger) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var httpContext = context.HttpContext;
        var app = httpContext.Features.GetRequiredFeature<PresenceAppFeature>().App;
        var route = httpContext.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? "";
        if (!limiter.TryAcquire(new RateLimitKey(app.Key, route), out var retryAfter))
        {
            LogLimited(app.Key, route);
            PresenceMetrics.RateLimitRejected(route);
            return ValueTask.FromResult<object?>(TencentResult.RateLimited(retryAfter));
        }
        return next(context);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{App} reached the rate limit of {Route}")]
    private partial void LogLimited(string app, string route);
}
