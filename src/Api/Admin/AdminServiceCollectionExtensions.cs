using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Presence.Api;

public static class AdminServiceCollectionExtensions
{
    /// <summary>
    /// The operator credential (<c>Presence:Admin</c>, validated at start, the development default in Development), its
    /// authentication scheme and policy (<see cref="PresencePolicies.Operator"/>), and what the admin routes need. Map the
    /// routes with <see cref="AdminApi.MapAdminApi"/>; guard other admin endpoints (a silo's dashboard) with
    /// <see cref="AdminApi.RequirePresenceAdmin{TBuilder}"/>.
    /// </summary>
    public static IServiceCollection AddPresenceAdmin(this IServiceCollection services)
    {
        services.AddPresenceOperatorCredential();
        services.TryAddSingleton<AdminClusterReader>();
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, AdminAuthenticationHandler>(PresenceAuthenticationSchemes.Operator, configureOptions: null);
        services.AddAuthorizationBuilder()
            .AddPolicy(PresencePolicies.Operator, static policy => policy
                .AddAuthenticationSchemes(PresenceAuthenticationSchemes.Operator)
                .RequireRole(PresenceClaimTypes.OperatorRole));
        return services;
    }
}
