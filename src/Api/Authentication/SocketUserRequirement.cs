using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace Presence.Api;

/// <summary>
/// The requirement of <see cref="PresencePolicies.SocketUser"/>: a device connects with a user token, and a
/// <c>username</c> query, when given, must be that token's user (once). The refusal carries the 403 description.
/// </summary>
internal sealed class SocketUserRequirement : AuthorizationHandler<SocketUserRequirement>, IAuthorizationRequirement
{
    public const string UsernameQuery = "username";

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, SocketUserRequirement requirement)
    {
        // No token: left unmet, so the scheme's challenge answers 401.
        if (context.User.GetPresenceToken() is not { } token || context.Resource is not HttpContext httpContext)
            return Task.CompletedTask;
        if (token.Kind != TokenKind.User)
            context.Fail(new AuthorizationFailureReason(this, "A user token is required to connect"));
        else if (httpContext.Request.Query[UsernameQuery] is { Count: > 0 } claimed && (claimed.Count > 1 || !token.MayActAs(claimed[0] ?? "")))
            context.Fail(new AuthorizationFailureReason(this, SelfOrAppRequirement.OtherUserDescription));
        else
            context.Succeed(requirement);
        return Task.CompletedTask;
    }
}
