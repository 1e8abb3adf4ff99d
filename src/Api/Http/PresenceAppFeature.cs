using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;

namespace Presence.Api;

/// <summary>
/// The configured app of the route's <c>{org}/{app}</c>, looked up once per request by whichever needs it first: the
/// token scheme on authenticated routes (<see cref="PresenceTokenHandler"/>), <see cref="AppEndpointFilter"/> on the
/// others. The rate limit and the token route read it.
/// </summary>
internal sealed class PresenceAppFeature(PresenceApp app)
{
    public PresenceApp App { get; } = app;

    /// <summary>The route's app, from this feature or else looked up (and kept here); false when no such app is configured.</summary>
    public static bool TryResolve(HttpContext context, PresenceAppRegistry apps, [NotNullWhen(true)] out PresenceApp? app)
    {
        if (context.Features.Get<PresenceAppFeature>() is { } feature)
        {
            app = feature.App;
            return true;
        }
        var values = context.Request.RouteValues;
        if (!apps.TryGet(values["org"] as string ?? "", values["app"] as string ?? "", out app))
            return false;
        context.Features.Set(new PresenceAppFeature(app));
        return true;
    }

    /// <summary>404 <c>organization_application_not_found</c> naming the route's <c>{org}/{app}</c>.</summary>
    public static EasemobError NotFound(HttpContext context)
    {
        var values = context.Request.RouteValues;
        return EasemobError.AppNotFound(values["org"] as string ?? "", values["app"] as string ?? "");
    }
}
