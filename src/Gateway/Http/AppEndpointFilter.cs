using Microsoft.AspNetCore.Http;

namespace Presence.Orleans.Gateway;

/// <summary>Resolves <c>{org}/{app}</c> to a configured app (404 <c>organization_application_not_found</c> otherwise).</summary>
internal sealed class AppEndpointFilter(PresenceAppRegistry apps) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var httpContext = context.HttpContext;
        var org = httpContext.Request.RouteValues["org"] as string ?? "";
        var app = httpContext.Request.RouteValues["app"] as string ?? "";
        if (!apps.TryGet(org, app, out var presenceApp))
            return ValueTask.FromResult<object?>(EasemobError.AppNotFound(org, app));
        httpContext.Features.Set(new PresenceCaller(presenceApp));
        return next(context);
    }
}
