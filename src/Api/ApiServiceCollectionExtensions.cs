using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Presence.Grains;

namespace Presence.Api;

public static class ApiServiceCollectionExtensions
{
    /// <summary>
    /// Adds the API's services: apps and tokens (<c>Presence:Apps</c>, the token scheme and its policies, Tencent UserSigs
    /// and the Tencent administrator's scheme), rate limits
    /// (<c>Presence:RateLimits</c>), limits (<c>Presence:Limits</c>), real-time connections
    /// (<c>Presence:WebSocket</c>), the Easemob error body for every
    /// failure, source-generated JSON and the OpenAPI document. Options are validated at
    /// start. Grains are reached only through Orleans' <c>IGrainFactory</c>, registered by the silo or client.
    /// Pair with <c>UsePresenceApi()</c> and <c>MapPresenceApi()</c>; the host adds <c>AddPresenceHostDefaults()</c>.
    /// </summary>
    public static IServiceCollection AddPresenceApi(this IServiceCollection services)
    {
        services.AddOptions<PresenceAppsOptions>().BindConfiguration(PresenceAppsOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<PresenceAppsOptions>, DevelopmentAppDefaults>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PresenceAppsOptions>, PresenceAppsOptionsValidator>());
        services.AddOptions<PresenceRateLimitOptions>().BindConfiguration(PresenceRateLimitOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PresenceRateLimitOptions>, PresenceRateLimitOptionsValidator>());
        services.AddOptions<PresenceLimits>().BindConfiguration(PresenceLimits.SectionName);
        services.AddOptions<PresenceSocketOptions>().BindConfiguration(PresenceSocketOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PresenceSocketOptions>, PresenceSocketOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        // A gateway hosts no grains: reads go to them. A silo registers its grains' local snapshots instead.
        services.TryAddSingleton<ILocalPresenceSnapshots, NoLocalPresenceSnapshots>();
        services.TryAddSingleton<PresenceAppRegistry>();
        services.TryAddSingleton<TokenService>();
        services.TryAddSingleton<UserSigVerifier>();
        services.TryAddSingleton<PresenceRateLimiter>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ApiStartupLogger>());
        services.TryAddSingleton<SiloLossSignal>();
        services.TryAddSingleton<PresenceConnectionRegistry>();
        services.AddHostedService(static sp => sp.GetRequiredService<PresenceConnectionRegistry>());
        services.TryAddSingleton<PresenceHub>();
        services.AddPresenceAdmin();
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, PresenceTokenHandler>(PresenceAuthenticationSchemes.Token, configureOptions: null)
            .AddScheme<AuthenticationSchemeOptions, TencentAdminHandler>(PresenceAuthenticationSchemes.TencentAdmin, configureOptions: null);
        services.AddAuthorizationBuilder()
            .AddPolicy(PresencePolicies.Token, static policy => policy
                .AddAuthenticationSchemes(PresenceAuthenticationSchemes.Token)
                .RequireAuthenticatedUser())
            .AddPolicy(PresencePolicies.SelfOrApp, static policy => policy
                .AddAuthenticationSchemes(PresenceAuthenticationSchemes.Token)
                .RequireAuthenticatedUser()
                .AddRequirements(new SelfOrAppRequirement()))
            .AddPolicy(PresencePolicies.SocketUser, static policy => policy
                .AddAuthenticationSchemes(PresenceAuthenticationSchemes.Token)
                .RequireAuthenticatedUser()
                .AddRequirements(new SocketUserRequirement()))
            .AddPolicy(PresencePolicies.TencentAdmin, static policy => policy
                .AddAuthenticationSchemes(PresenceAuthenticationSchemes.TencentAdmin)
                .RequireAuthenticatedUser());
        // Replaces the default (registered with TryAdd by AddAuthorization), which would answer a 403 without a body.
        services.Replace(ServiceDescriptor.Singleton<IAuthorizationMiddlewareResultHandler, PresenceAuthorizationResultHandler>());

        services.Configure<JsonOptions>(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, GatewayJsonContext.Default));
        services.AddExceptionHandler<PresenceExceptionHandler>();
        services.AddOpenApi();
        return services;
    }
}
