using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Presence.Grains;

namespace Presence.Api;

/// <summary>
/// The read-only admin routes under <c>/admin</c>, served by silos and gateways alike. Every one requires the operator
/// credential (<see cref="PresencePolicies.Operator"/>); none is rate limited per app or listed in the OpenAPI document.
/// </summary>
public static class AdminApi
{
    /// <summary>Maps <c>GET /admin/cluster</c> and <c>GET /admin/apps/{org}/{app}/users/{username}/watchers</c>.</summary>
    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder endpoints)
    {
        var admin = endpoints.MapGroup("/admin")
            .WithTags("Admin")
            .ExcludeFromDescription()
            .RequirePresenceAdmin();
        admin.MapGet("/cluster", GetClusterAsync)
            .WithName("AdminCluster");
        admin.MapGet("/apps/{org}/{app}/users/{username}/watchers", GetWatchersAsync)
            .WithName("AdminWatchers")
            .AddEndpointFilter<AppEndpointFilter>();
        return admin;
    }

    /// <summary>Requires the operator credential on these endpoints (admin off: 404; no or a wrong credential: 401).</summary>
    public static TBuilder RequirePresenceAdmin<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(PresencePolicies.Operator);

    internal static async Task<Ok<AdminClusterResponse>> GetClusterAsync(AdminClusterReader reader, CancellationToken cancellationToken) =>
        TypedResults.Ok(await reader.ReadAsync(cancellationToken));

    internal static async Task<Results<Ok<AdminWatchersResponse>, EasemobError>> GetWatchersAsync(
        string org, string app, string username, IGrainFactory grains)
    {
        if (!PresenceValidation.IsValidUsername(username))
            return EasemobError.IllegalArgument("username is not legal: 1-64 characters of A-Z a-z 0-9 _ - .");
        var watchers = await GrainCallFailures.RetryOnceAsync(() => grains.GetUserGrain(UserKey.Create(org, app, username)).GetWatchersAsync());
        return TypedResults.Ok(new AdminWatchersResponse(watchers.Count));
    }
}
