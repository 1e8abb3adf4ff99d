using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;

namespace Presence.Api;

/// <summary>
/// Answers a token policy's refusal of an authenticated caller with the 403 error body, described by the requirement that
/// refused (SDKs match on the description). Everything else, challenges included, goes to the default handler, which asks
/// the policy's schemes (their challenges write the 401 or 404 body).
/// </summary>
internal sealed class PresenceAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult) =>
        authorizeResult.Forbidden && policy.AuthenticationSchemes.Contains(PresenceAuthenticationSchemes.Token)
            && authorizeResult.AuthorizationFailure?.FailureReasons.FirstOrDefault() is { } reason
            ? EasemobError.Forbidden(reason.Message).ExecuteAsync(context)
            : _default.HandleAsync(next, context, policy, authorizeResult);
}
