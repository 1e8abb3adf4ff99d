using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Presence.Api;

/// <summary>
/// The <see cref="PresenceAuthenticationSchemes.Token"/> scheme: a token of the route's app (<c>{org}/{app}</c>) from
/// <c>Authorization: Bearer</c> or, on routes marked with <see cref="AccessTokenQueryMetadata"/> and only without that
/// header, from the <c>access_token</c> query, verified by <see cref="TokenService"/>. Its principal carries the
/// <see cref="PresenceClaimTypes"/>. A challenge answers 404 <c>organization_application_not_found</c> when the route's
/// app is unknown (that answer comes before any token check) and 401 with the Bearer challenge otherwise.
/// </summary>
internal sealed partial class PresenceTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    PresenceAppRegistry apps,
    TokenService tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // NoResult rather than Fail for a bad token: the base class logs a failure at Information, and stale tokens are
        // common; the challenge logs the refusal at Debug.
        if (!PresenceAppFeature.TryResolve(Context, apps, out var app) || !TryReadToken(out var text)
            || !tokens.TryValidate(app, text, out var token))
            return Task.FromResult(AuthenticateResult.NoResult());
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(CreatePrincipal(app, token), Scheme.Name)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (!PresenceAppFeature.TryResolve(Context, apps, out var app))
            return PresenceAppFeature.NotFound(Context).ExecuteAsync(Context);
        LogRejected(Logger, app.Key, Request.Path);
        return EasemobError.Unauthorized().ExecuteAsync(Context);
    }

    /// <summary>The header's token when there is one; the query's only on routes that allow it and without the header.</summary>
    private bool TryReadToken(out ReadOnlySpan<char> text)
    {
        if (BearerToken.TryRead(Request, out text))
            return true;
        if (Context.GetEndpoint()?.Metadata.GetMetadata<AccessTokenQueryMetadata>() is null
            || Request.Query[AccessTokenQueryMetadata.QueryName] is not { Count: 1 } query)
            return false;
        text = query[0];
        return true;
    }

    private ClaimsPrincipal CreatePrincipal(PresenceApp app, AccessToken token)
    {
        var claims = new List<Claim>(5)
        {
            new(PresenceClaimTypes.Org, app.Org),
            new(PresenceClaimTypes.App, app.App),
            new(PresenceClaimTypes.TokenKind, token.Kind == TokenKind.User ? PresenceClaimTypes.UserTokenKind : PresenceClaimTypes.AppTokenKind),
            new(PresenceClaimTypes.ExpiresAt, token.ExpiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64),
        };
        if (token.Username is { } username)
            claims.Add(new Claim(PresenceClaimTypes.Username, username));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name, PresenceClaimTypes.Username, roleType: null));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{App}: rejected a missing, malformed, expired or foreign token on {Path}")]
    private static partial void LogRejected(ILogger logger, string app, string path);
}
