using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Presence.Orleans.Gateway;

/// <summary>
/// Guards the admin routes and the dashboard: admin off → 404 <c>service_resource_not_found</c>, as an unknown route;
/// no or a wrong credential → 401 <c>unauthorized</c> with a Basic challenge. Both answers are the error body of SPEC §5
/// and say nothing about the cluster; nothing behind the filter runs.
/// </summary>
internal sealed partial class AdminEndpointFilter(AdminCredentials credentials, ILogger<AdminEndpointFilter> logger) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (!credentials.IsEnabled)
            return ValueTask.FromResult<object?>(EasemobError.ResourceNotFound());
        var request = context.HttpContext.Request;
        if (!credentials.IsAuthorized(request))
        {
            LogRefused(request.Method, request.Path);
            return ValueTask.FromResult<object?>(BasicChallenge.Instance);
        }
        return next(context);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Path}: admin credential missing or wrong, answered 401")]
    private partial void LogRefused(string method, string path);

    /// <summary>401 <c>unauthorized</c> whose <c>WWW-Authenticate</c> asks for the admin's Basic credential, not a bearer token.</summary>
    private sealed class BasicChallenge : IResult
    {
        public static readonly BasicChallenge Instance = new();

        private const string Challenge = $"Basic realm=\"{PresenceAdminOptions.Realm}\"";

        public Task ExecuteAsync(HttpContext httpContext)
        {
            // The error writer sets the presence routes' "Bearer" challenge; this replaces it as the headers go out.
            httpContext.Response.OnStarting(static state =>
            {
                var response = (HttpResponse)state;
                if (response.StatusCode == StatusCodes.Status401Unauthorized)
                    response.Headers[HeaderNames.WWWAuthenticate] = Challenge;
                return Task.CompletedTask;
            }, httpContext.Response);
            return EasemobError.Unauthorized().ExecuteAsync(httpContext);
        }
    }
}
