using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Presence.Webhooks;

namespace Presence.Api;

/// <summary>
/// Easemob's routes over the failed callbacks of an app (app token): <c>GET /{org}/{app}/callbacks/storage/info</c>
/// counts them per rule, <c>POST /{org}/{app}/callbacks/storage/retry</c> queues them again (same <c>webhook-id</c>s,
/// their original order, behind what is already queued). Served where the outbox is (silos); a gateway answers 404.
/// </summary>
internal static class CallbackStorageApi
{
    public const string AppTokenRequired = "An app token is required";

    public static RouteGroupBuilder MapCallbackStorageApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/{org}/{app}/callbacks/storage")
            .WithTags("Webhooks")
            .RequireAuthorization(PresencePolicies.Token);
        api.MapGet("/info", InfoAsync).WithName("CallbackStorageInfo");
        api.MapPost("/retry", RetryAsync).WithName("CallbackStorageRetry");
        return api;
    }

    internal static async Task<Results<Ok<CallbackStorageResponse>, EasemobError>> InfoAsync(
        string org, string app, HttpContext context, PresenceAppRegistry apps, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (Refuse(org, app, context, apps, out var resolved, out var outbox) is { } refusal)
            return refusal;
        var failed = await outbox!.FailedAsync(resolved!.Org, resolved.App, cancellationToken);
        var rules = failed.Select(static f => new CallbackStorageRuleDto(f.Rule, f.Count, f.Oldest?.ToUnixTimeMilliseconds(), f.Newest?.ToUnixTimeMilliseconds())).ToList();
        return TypedResults.Ok(new CallbackStorageResponse("get", resolved.ApplicationId, new CallbackStorageData(rules.Sum(static r => r.Count), rules),
            clock.GetUtcNow().ToUnixTimeMilliseconds()));
    }

    internal static async Task<Results<Ok<CallbackStorageResponse>, EasemobError>> RetryAsync(
        string org, string app, HttpContext context, PresenceAppRegistry apps, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (Refuse(org, app, context, apps, out var resolved, out var outbox) is { } refusal)
            return refusal;
        var count = await outbox!.RetryFailedAsync(resolved!.Org, resolved.App, cancellationToken);
        return TypedResults.Ok(new CallbackStorageResponse("post", resolved.ApplicationId, new CallbackStorageData(count, null),
            clock.GetUtcNow().ToUnixTimeMilliseconds()));
    }

    private static EasemobError? Refuse(string org, string app, HttpContext context, PresenceAppRegistry apps, out PresenceApp? resolved, out IWebhookOutbox? outbox)
    {
        outbox = context.RequestServices.GetService<IWebhookOutbox>();
        if (!apps.TryGet(org, app, out resolved))
            return EasemobError.AppNotFound(org, app);
        if (context.User.GetPresenceToken() is not { Kind: TokenKind.App })
            return EasemobError.Forbidden(AppTokenRequired);
        return outbox is null ? EasemobError.ResourceNotFound() : null;
    }
}
