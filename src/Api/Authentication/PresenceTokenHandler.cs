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
/// header, from the <c>access_token</c> query, verified by <see cref="TokenService"/>. On those routes, for an app with a
/// Tencent SDKAppID and key, a Tencent UserSig (<see cref="UserSigCredential"/>, verified by <see cref="UserSigVerifier"/>)
/// stands for a user token of its identifier until the sig expires. Its principal carries the
/// <see cref="PresenceClaimTypes"/>, the same for both credentials. A challenge answers 404 <c>organization_application_not_found</c> when the route's
/// app is unknown (that answer comes before any token check) and 401 with the Bearer challenge otherwise.
/// </summary>
internal sealed partial class PresenceTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    PresenceAppRegistry apps,
    TokenService tokens,
    UserSigVerifier userSigs)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // NoResult rather than Fail for a bad token: the base class logs a failure at Information, and stale tokens are
        // common; the challenge logs the refusal at Debug.
        if (!PresenceAppFeature.TryResolve(Context, apps, out var app))
            return Task.FromResult(AuthenticateResult.NoResult());
        AccessToken? token;
        if (TryReadToken(out var text))
            tokens.TryValidate(app, text, out token);
        else
            token = TryValidateUserSig(app);
        return Task.FromResult(token is null
            ? AuthenticateResult.NoResult()
            : AuthenticateResult.Success(new AuthenticationTicket(CreatePrincipal(app, token), Scheme.Name)));
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
        if (!AllowsDeviceCredentials
            || Request.Query[AccessTokenQueryMetadata.QueryName] is not { Count: 1 } query)
            return false;
        text = query[0];
        return true;
    }

    /// <summary>
    /// A UserSig as a user token of its identifier, expiring with the sig; null when none is offered, the app has no
    /// Tencent key, the identifier is not a legal username, or the sig does not verify (all answered 401).
    /// </summary>
    private AccessToken? TryValidateUserSig(PresenceApp app)
    {
        if (!AllowsDeviceCredentials || app.Tencent is not { } tencent
            || !UserSigCredential.TryRead(Request, out var sig, out var identifier))
            return null;
        if (!PresenceValidation.IsValidUsername(identifier))
            return null;
        var check = userSigs.Verify(sig, tencent, identifier);
        if (!check.IsValid)
        {
            LogUserSigRejected(Logger, app.Key, (int)check.Verdict, check.Verdict);
            return null;
        }
        return new AccessToken(TokenKind.User, identifier.ToLowerInvariant(), DateTimeOffset.FromUnixTimeSeconds(check.ExpiresAtUnixSeconds));
    }

    /// <summary>The socket route: the route where a browser's device may put its credential in the query, or use a UserSig.</summary>
    private bool AllowsDeviceCredentials => Context.GetEndpoint()?.Metadata.GetMetadata<AccessTokenQueryMetadata>() is not null;

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

    [LoggerMessage(Level = LogLevel.Debug, Message = "{App}: rejected a UserSig ({Code} {Verdict})")]
    private static partial void LogUserSigRejected(ILogger logger, string app, int code, UserSigVerdict verdict);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{App}: rejected a missing, malformed, expired or foreign token on {Path}")]
    private static partial void LogRejected(ILogger logger, string app, string path);
}
