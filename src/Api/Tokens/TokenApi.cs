using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Presence.Grains;

namespace Presence.Api;

/// <summary><c>POST /{org}/{app}/token</c> (docs/api.md#authentication, Easemob's shape): app tokens and user tokens.</summary>
internal static partial class TokenApi
{
    internal const string ClientCredentialsGrant = "client_credentials";
    internal const string InheritGrant = "inherit";

    public static RouteHandlerBuilder MapTokenApi(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/{org}/{app}/token", IssueTokenAsync)
            .WithTags("Tokens")
            .WithName("IssueToken")
            .WithSummary("Issues an app token (client_credentials) or, with an app token, a user token (inherit)")
            .Accepts<TokenRequest>("application/json")
            .AddEndpointFilter<AppEndpointFilter>()
            .AddEndpointFilter<RateLimitEndpointFilter>();

    internal static async Task<Results<Ok<AppTokenResponse>, Ok<UserTokenResponse>, Ok<PasswordTokenResponse>, EasemobError>> IssueTokenAsync(
        HttpRequest request, TokenService tokens, IOptions<PresenceLimits> limits, ILoggerFactory loggerFactory, IGrainFactory grains, AppAccountSettings accounts)
    {
        var app = request.HttpContext.Features.GetRequiredFeature<PresenceAppFeature>().App;
        var (body, bodyError) = await JsonRequestBody.ReadAsync(request, GatewayJsonContext.Default.TokenRequest, limits.Value.MaxRequestBodyBytes);
        if (bodyError is not null)
            return bodyError;
        if (body?.GrantType is not { } grantType)
            return EasemobError.IllegalArgument("grant_type is required");
        if (grantType is not (ClientCredentialsGrant or InheritGrant or PasswordGrant.GrantType))
            return EasemobError.IllegalArgument("grant_type must be client_credentials, inherit or password");
        if (body.Ttl is < 0 || body.Ttl > (long)TokenService.MaxLifetime.TotalSeconds)
            return EasemobError.IllegalArgument($"ttl must be from 0 to {(long)TokenService.MaxLifetime.TotalSeconds} seconds");
        var lifetime = body.Ttl is null or 0 ? TokenService.DefaultLifetime : TimeSpan.FromSeconds(body.Ttl.Value);
        var expiresIn = (long)lifetime.TotalSeconds;

        if (grantType == PasswordGrant.GrantType)
            return await PasswordGrant.IssueAsync(app, body, lifetime, tokens, grains);

        if (grantType == ClientCredentialsGrant)
        {
            if (string.IsNullOrEmpty(body.ClientId) || string.IsNullOrEmpty(body.ClientSecret))
                return EasemobError.IllegalArgument("client_id and client_secret are required");
            if (!app.ClientCredentialsMatch(body.ClientId, body.ClientSecret))
            {
                LogCredentialsRejected(loggerFactory.CreateLogger(typeof(TokenApi).FullName!), app.Key);
                return EasemobError.Unauthorized();
            }
            var appToken = tokens.Issue(app, TokenKind.App, null, lifetime, out _);
            return TypedResults.Ok(new AppTokenResponse(appToken, expiresIn, app.ApplicationId.ToString()));
        }

        // inherit: an app token of this app vouches for the user. Authenticated here, not by a policy: client_credentials
        // needs no token, and a bad body is answered before a missing token.
        var authentication = await request.HttpContext.AuthenticateAsync(PresenceAuthenticationSchemes.Token);
        if (authentication.Principal?.GetPresenceToken() is not { } caller)
            return EasemobError.Unauthorized();
        if (caller.Kind != TokenKind.App)
            return EasemobError.Forbidden("Only an app token may issue user tokens");
        if (!PresenceValidation.IsValidUsername(body.Username))
            return EasemobError.IllegalArgument("username is not legal: 1-64 characters of A-Z a-z 0-9 _ - .");
        var username = body.Username!.ToLowerInvariant();
        if (!await RegisteredUsers.AllowedAsync(grains, accounts, new UserKey(app.Org, app.App, username)))
            return EasemobError.ResourceNotFound();
        var userToken = tokens.Issue(app, TokenKind.User, username, lifetime, out _);
        var user = new TokenUserDto(app.UserUuid(username).ToString(), "user", username, Activated: true);
        return TypedResults.Ok(new UserTokenResponse(userToken, expiresIn, user));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{App}: rejected client credentials")]
    private static partial void LogCredentialsRejected(ILogger logger, string app);
}
