using Microsoft.AspNetCore.Http;

namespace Presence.Api;

/// <summary>
/// Resolves <c>{org}/{app}</c> to a configured app (404 <c>organization_application_not_found</c> otherwise) on routes
/// that are not authenticated by the token scheme before their filters run: the token route, the socket route (whose rate
/// limit comes before its token check) and the admin watchers route.
/// </summary>
internal sealed class AppEndpointFilter(PresenceAppRegistry apps) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        PresenceAppFeature.TryResolve(context.HttpContext, apps, out _)
            ? next(context)
            : ValueTask.FromResult<object?>(PresenceAppFeature.NotFound(context.HttpContext));
}
