using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Presence.Api;

/// <summary>
/// Applies an authorization policy as an endpoint filter, where the authorization middleware would apply it before every
/// filter: the socket route checks its token after its rate limit, so every connection attempt, valid or not, counts
/// against the app's limit. Same evaluation and same answers as the middleware (<see cref="IPolicyEvaluator"/>,
/// <see cref="IAuthorizationMiddlewareResultHandler"/>).
/// </summary>
internal sealed class AuthorizationEndpointFilter(string policyName) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var httpContext = context.HttpContext;
        var services = httpContext.RequestServices;
        var policy = await services.GetRequiredService<IAuthorizationPolicyProvider>().GetPolicyAsync(policyName)
            ?? throw new InvalidOperationException($"No authorization policy is named {policyName}.");
        var evaluator = services.GetRequiredService<IPolicyEvaluator>();
        var authentication = await evaluator.AuthenticateAsync(policy, httpContext);
        var authorization = await evaluator.AuthorizeAsync(policy, authentication, httpContext, httpContext);
        if (authorization.Succeeded)
            return await next(context);
        await services.GetRequiredService<IAuthorizationMiddlewareResultHandler>()
            .HandleAsync(static _ => Task.CompletedTask, httpContext, policy, authorization);
        return Results.Empty;
    }
}
