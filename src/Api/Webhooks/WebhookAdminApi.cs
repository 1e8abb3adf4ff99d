using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Presence.Webhooks;

namespace Presence.Api;

/// <summary>
/// The operator's webhook routes under <c>/admin/webhooks</c> (the <c>/admin</c> credential): the rules with their health,
/// pause, resume (which also lifts a suspension) and a test event. Served where the outbox is (silos); a gateway answers 404.
/// </summary>
internal static class WebhookAdminApi
{
    public const string TestUsername = "webhook_test";
    public const string TestResource = "test";

    public static RouteGroupBuilder MapWebhookAdminApi(this IEndpointRouteBuilder endpoints)
    {
        var admin = endpoints.MapGroup("/admin/webhooks")
            .WithTags("Admin")
            .ExcludeFromDescription()
            .RequirePresenceAdmin();
        admin.MapGet("", ListAsync).WithName("AdminWebhooks");
        admin.MapPost("/{org}/{app}/{name}/pause", (string org, string app, string name, IServiceProvider services, CancellationToken ct) =>
            SetPausedAsync(org, app, name, true, services, ct)).WithName("AdminWebhookPause");
        admin.MapPost("/{org}/{app}/{name}/resume", (string org, string app, string name, IServiceProvider services, CancellationToken ct) =>
            SetPausedAsync(org, app, name, false, services, ct)).WithName("AdminWebhookResume");
        admin.MapPost("/{org}/{app}/{name}/test", TestAsync).WithName("AdminWebhookTest");
        return admin;
    }

    internal static async Task<Results<Ok<WebhookRulesResponse>, EasemobError>> ListAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        if (services.GetService<IWebhookOutbox>() is not { } outbox)
            return EasemobError.ResourceNotFound();
        var registry = services.GetRequiredService<WebhookRuleRegistry>();
        var shared = (await outbox.StatusAsync(cancellationToken)).ToDictionary(static s => s.Rule, StringComparer.Ordinal);
        var depths = await outbox.CountAsync(cancellationToken);
        var local = (services.GetService<WebhookSender>()?.Workers ?? []).Where(static w => w.HoldsLease).ToDictionary(static w => w.Rule.Id, StringComparer.Ordinal);
        var rules = registry.Rules.Select(rule =>
        {
            // This silo's own view is the freshest when it sends the rule; otherwise the sender's last report.
            var status = local.TryGetValue(rule.Id, out var worker) ? worker.Status with { Paused = worker.Paused } : shared.GetValueOrDefault(rule.Id);
            return new WebhookRuleDto(rule.Id, rule.Url.GetLeftPart(UriPartial.Path), rule.Format.ToString(), rule.Rule.Events.ToString(), rule.Batch,
                rule.Options.Enabled, status?.Paused ?? false, status?.LastSuccess, status?.LastFailure, status?.FailuresInWindow ?? 0,
                status?.SuspendedUntil, depths.GetValueOrDefault(rule.Id), status?.Sender);
        }).ToList();
        return TypedResults.Ok(new WebhookRulesResponse(rules));
    }

    internal static async Task<Results<Ok<ResultResponse>, EasemobError>> SetPausedAsync(
        string org, string app, string name, bool paused, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (Resolve(org, app, name, services) is not { } found)
            return EasemobError.ResourceNotFound();
        await found.Outbox.SetPausedAsync(found.Rule.Id, paused, cancellationToken);
        foreach (var worker in services.GetService<WebhookSender>()?.Workers ?? [])
        {
            if (worker.Rule.Id == found.Rule.Id)
                worker.SetPaused(paused);
        }
        return TypedResults.Ok(ResultResponse.Ok);
    }

    /// <summary>Queues a login of <see cref="TestUsername"/> on resource <see cref="TestResource"/> for the rule alone, sent like any other.</summary>
    internal static async Task<Results<Ok<ResultResponse>, EasemobError>> TestAsync(
        string org, string app, string name, IServiceProvider services, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (Resolve(org, app, name, services) is not { } found)
            return EasemobError.ResourceNotFound();
        var rule = found.Rule;
        await found.Outbox.AppendAsync(
        [
            new WebhookEvent
            {
                Id = Guid.CreateVersion7(),
                Rule = rule.Id,
                Org = rule.Org,
                App = rule.App,
                Username = TestUsername,
                Resource = TestResource,
                Kind = WebhookEventKind.Login,
                Status = "1",
                OccurredAtMs = clock.GetUtcNow().ToUnixTimeMilliseconds(),
            },
        ], cancellationToken);
        return TypedResults.Ok(ResultResponse.Ok);
    }

    private static (ConfiguredWebhookRule Rule, IWebhookOutbox Outbox)? Resolve(string org, string app, string name, IServiceProvider services)
    {
        if (services.GetService<IWebhookOutbox>() is not { } outbox)
            return null;
        var rule = services.GetRequiredService<WebhookRuleRegistry>().Find($"{org.ToLowerInvariant()}/{app.ToLowerInvariant()}/{name.ToLowerInvariant()}");
        return rule is null ? null : (rule, outbox);
    }
}
