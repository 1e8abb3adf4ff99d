using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Presence.Orleans.Gateway;

/// <summary>
/// Requires a valid token of the route's app (401 otherwise) and, on routes with <c>{username}</c>,
/// that a user token acts only as its own user (403 otherwise). App tokens act on any user.
/// </summary>
internal sealed partial class AuthenticationEndpointFilter(TokenService tokens, ILogger<AuthenticationEndpointFilter> logger) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var httpContext = context.HttpContext;
        var caller = httpContext.Features.GetRequiredFeature<PresenceCaller>();
        if (!BearerToken.TryRead(httpContext.Request, out var text) || !tokens.TryValidate(caller.App, text, out var token))
        {
            LogRejected(caller.App.Key, httpContext.Request.Path);
            return ValueTask.FromResult<object?>(EasemobError.Unauthorized());
        }
        if (httpContext.Request.RouteValues["username"] is string username && !token.MayActAs(username))
            return ValueTask.FromResult<object?>(EasemobError.Forbidden("A user token may act only as its own user"));
        caller.Token = token;
        return next(context);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{App}: rejected a missing, malformed, expired or foreign token on {Path}")]
    private partial void LogRejected(string app, string path);
}
