using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;

namespace Presence.Hosting;

/// <summary>
/// <c>/health/live</c> (the process answers) and <c>/health/ready</c> (checks tagged
/// <see cref="ReadyTag"/>: the runtime is active and its storage answers a ping).
/// </summary>
internal static class HealthApi
{
    public const string LiveTag = HealthTags.Live;
    public const string ReadyTag = HealthTags.Ready;

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = check => check.Tags.Contains(LiveTag) })
            .WithName("Live");
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) })
            .WithName("Ready");
        return endpoints;
    }
}
