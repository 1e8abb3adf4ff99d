using Microsoft.AspNetCore.Http;

namespace Presence.Orleans.Gateway;

/// <summary>
/// Guards the admin routes and the dashboard: admin off → 404 <c>service_resource_not_found</c>, as an unknown route;
/// no or a wrong credential → 401 <c>unauthorized</c> with a Basic challenge. Both answers are the error body of SPEC §5
/// and say nothing about the cluster; nothing behind the filter runs.
/// </summary>
internal sealed partial class AdminEndpointFilter(AdminCredentials credentials, ILogger<AdminEndpointFilter> logger) : IEndpointFilter
{
    /// <summary>401 <c>unauthorized</c> whose challenge asks for the admin's Basic credential, not a bearer token.</summary>
    private static readonly EasemobError Refused = EasemobError.Unauthorized($"Basic realm=\"{PresenceAdminOptions.Realm}\"");

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (!credentials.IsEnabled)
            return ValueTask.FromResult<object?>(EasemobError.ResourceNotFound());
        var request = context.HttpContext.Request;
        if (!credentials.IsAuthorized(request))
        {
            LogRefused(request.Method, request.Path);
            return ValueTask.FromResult<object?>(Refused);
        }
        return next(context);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Path}: admin credential missing or wrong, answered 401")]
    private partial void LogRefused(string method, string path);
}
