using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Presence.Api;

/// <summary>
/// The <see cref="PresenceAuthenticationSchemes.TencentAdmin"/> scheme of Tencent's REST routes: the URL's
/// <c>usersig</c> must verify (<see cref="UserSigVerifier"/>) for the app that <see cref="TencentAppEndpointFilter"/>
/// found by <c>sdkappid</c> and for the URL's <c>identifier</c>, and that identifier must be the app's administrator.
/// Its principal carries the claims of an app token of that app (the administrator acts for the app). A challenge
/// answers in Tencent's shape (HTTP 200, <c>ActionStatus: FAIL</c>) with Tencent's code for what failed.
/// </summary>
internal sealed partial class TencentAdminHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    UserSigVerifier userSigs)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string IdentifierQuery = "identifier";
    public const string UserSigQuery = "usersig";

    private TencentResult? _refusal;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // NoResult rather than Fail, as the token scheme: the challenge answers and logs at Debug.
        if (Context.Features.Get<PresenceAppFeature>()?.App is not { Tencent: { } tencent } app)
        {
            _refusal = TencentResult.Fail(TencentErrorCodes.SdkAppIdNotFound, "no app has this sdkappid");
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        var identifier = Request.Query[IdentifierQuery] is [{ } id] ? id : "";
        var sig = Request.Query[UserSigQuery] is [{ } text] ? text : "";
        var check = userSigs.Verify(sig, tencent, identifier);
        if (!check.IsValid)
        {
            LogRejected(Logger, app.Key, (int)check.Verdict, check.Verdict);
            _refusal = TencentResult.Fail(check.Verdict);
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        if (!string.Equals(identifier, tencent.AdminIdentifier, StringComparison.Ordinal))
        {
            LogRejected(Logger, app.Key, TencentErrorCodes.AdminRequired, "not the administrator");
            _refusal = TencentResult.Fail(TencentErrorCodes.AdminRequired, "this request needs the App administrator: identifier must be the app's administrator account");
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(CreatePrincipal(app, identifier, check.ExpiresAtUnixSeconds), Scheme.Name)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        (_refusal ?? TencentResult.Fail(UserSigVerdict.Malformed)).ExecuteAsync(Context);

    private ClaimsPrincipal CreatePrincipal(PresenceApp app, string identifier, long expiresAt) =>
        new(new ClaimsIdentity(
            [
                new Claim(PresenceClaimTypes.Org, app.Org),
                new Claim(PresenceClaimTypes.App, app.App),
                new Claim(PresenceClaimTypes.TokenKind, PresenceClaimTypes.AppTokenKind),
                new Claim(PresenceClaimTypes.ExpiresAt, expiresAt.ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64),
                new Claim(ClaimTypes.Name, identifier),
            ],
            Scheme.Name));

    [LoggerMessage(Level = LogLevel.Debug, Message = "{App}: refused a Tencent REST call ({Code} {Reason})")]
    private static partial void LogRejected(ILogger logger, string app, int code, object reason);
}
