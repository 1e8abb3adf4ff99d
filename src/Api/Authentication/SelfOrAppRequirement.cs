using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace Presence.Api;

/// <summary>
/// The requirement of <see cref="PresencePolicies.SelfOrApp"/>: on a route with <c>{username}</c>, a user token acts only
/// as its own user (case-insensitive); an app token acts on any user of its app. The refusal carries the 403 description.
/// </summary>
internal sealed class SelfOrAppRequirement : AuthorizationHandler<SelfOrAppRequirement>, IAuthorizationRequirement
{
    public const string OtherUserDescription = "A user token may act only as its own user";

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, SelfOrAppRequirement requirement)
    {
        // No token: left unmet, so the scheme's challenge answers (401, or 404 for an unknown app).
        if (context.User.GetPresenceToken() is not { } token || context.Resource is not HttpContext httpContext)
            return Task.CompletedTask;
        if (httpContext.Request.RouteValues["username"] is string username && !token.MayActAs(username))
            context.Fail(new AuthorizationFailureReason(this, OtherUserDescription));
        else
            context.Succeed(requirement);
        return Task.CompletedTask;
    }
}
