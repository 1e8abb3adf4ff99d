using Microsoft.AspNetCore.Http;
using Presence.Grains;

namespace Presence.Api;

/// <summary>On a route with <c>{username}</c>: 404 <c>service_resource_not_found</c> when the app requires registered users and this one is not.</summary>
internal sealed class RegisteredUserEndpointFilter(IGrainFactory grains, AppAccountSettings settings) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var values = context.HttpContext.Request.RouteValues;
        if (values["org"] is string org && values["app"] is string app && values["username"] is string username
            && UserKey.IsValidUsername(username) && !await RegisteredUsers.AllowedAsync(grains, settings, UserKey.Create(org, app, username)))
            return EasemobError.ResourceNotFound();
        return await next(context);
    }
}
