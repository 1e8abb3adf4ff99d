using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Presence.Webhooks;

namespace Presence.Api;

public static class WebhookServiceCollectionExtensions
{
    /// <summary>
    /// Status webhooks on a silo: the apps' rules (<c>Presence:Apps:N:Webhooks:M</c>, validated at start) as the user
    /// grains' <see cref="IWebhookRuleCatalog"/>, the delivery settings (<c>Presence:Webhooks</c>), the HTTP client
    /// (<c>IHttpClientFactory</c>, a resilience timeout per attempt, the address guard) and the sender. The host registers
    /// the <see cref="IWebhookOutbox"/> its storage provides.
    /// </summary>
    public static IServiceCollection AddPresenceWebhooks(this IServiceCollection services)
    {
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>());
        // Bound by AddPresenceApi (binding twice would list every app twice); only the rules' validator is added here.
        services.AddOptions<PresenceAppsOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PresenceAppsOptions>, WebhookRulesValidator>());
        services.TryAddSingleton<WebhookRuleRegistry>();
        // Not TryAdd: the grains register an empty catalog with TryAdd, before or after this.
        services.AddSingleton<IWebhookRuleCatalog>(static sp => sp.GetRequiredService<WebhookRuleRegistry>());
        services.TryAddKeyedSingleton(WebhookSender.ClockName, TimeProvider.System);
        services.TryAddSingleton(static sp => new WebhookHttpSender(
            sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredKeyedService<TimeProvider>(WebhookSender.ClockName)));
        services.AddHttpClient(WebhookHttpSender.ClientName)
            .ConfigurePrimaryHttpMessageHandler(static sp => new SocketsHttpHandler
            {
                ConnectCallback = new WebhookTargetGuard(sp.GetRequiredService<IOptions<WebhookOptions>>().Value.AllowedHosts).ConnectAsync,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2), // DNS changes reach the guard
                AllowAutoRedirect = false, // a redirect would dodge the guard's view of the target
            })
            .AddResilienceHandler("webhook-attempt", static (pipeline, context) =>
                pipeline.AddTimeout(context.ServiceProvider.GetRequiredService<IOptions<WebhookOptions>>().Value.AttemptTimeout));
        services.TryAddSingleton<WebhookSender>();
        services.AddHostedService(static sp => sp.GetRequiredService<WebhookSender>());
        return services;
    }
}
