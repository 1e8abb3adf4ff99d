using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Presence.Diagnostics;

namespace Presence.Api;

/// <summary>Applies the app × route limit after the app is known (and, on presence routes, authenticated): 429 <c>reach_limit</c>.</summary>
internal sealed partial class RateLimitEndpointFilter(PresenceRateLimiter limiter, ILogger<RateLimitEndpointFilter> logger) : IEndpointFilter
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
            return ValueTask.FromResult<object?>(EasemobError.ReachLimit(retryAfter));
        }
        return next(context);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{App} reached the rate limit of {Route}")]
    private partial void LogLimited(string app, string route);
}
