using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Presence.Api;

/// <summary>
/// The <see cref="PresenceAuthenticationSchemes.Operator"/> scheme of the admin routes and the dashboard: the operator
/// credential checked by <see cref="AdminCredentials"/>. A challenge answers as an unknown route while admin is off (404
/// <c>service_resource_not_found</c>) and otherwise 401 <c>unauthorized</c> asking for Basic; both are the error body of
/// docs/api.md#errors and say nothing about the cluster.
/// </summary>
internal sealed partial class AdminAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    AdminCredentials credentials)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    /// <summary>401 <c>unauthorized</c> whose challenge asks for the admin's Basic credential, not a bearer token.</summary>
    private static readonly EasemobError Refused = EasemobError.Unauthorized($"Basic realm=\"{PresenceAdminOptions.Realm}\"");

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!credentials.IsEnabled || !credentials.IsAuthorized(Request))
            return Task.FromResult(AuthenticateResult.NoResult());
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Role, PresenceClaimTypes.OperatorRole)], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (!credentials.IsEnabled)
            return EasemobError.ResourceNotFound().ExecuteAsync(Context);
        LogRefused(Logger, Request.Method, Request.Path);
        return Refused.ExecuteAsync(Context);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Path}: admin credential missing or wrong, answered 401")]
    private static partial void LogRefused(ILogger logger, string method, string path);
}
