using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Presence.Grains;

namespace Presence.Api;

/// <summary>
/// The <c>password</c> grant of <c>POST /{org}/{app}/token</c>, as Easemob's web SDK <c>open({ user, pwd })</c> sends it:
/// <c>{"grant_type":"password","username","password","timestamp"}</c> (the timestamp is ignored). The account grain checks
/// the password (slowing guesses per user); the app's token rate limit applies before.
/// </summary>
internal static class PasswordGrant
{
    internal const string GrantType = "password";
    internal const string InvalidPassword = "invalid password";
    internal const string UserNotFound = "user not found";
    internal const string UserNotActivated = "user not activated";

    public static async Task<Results<Ok<AppTokenResponse>, Ok<UserTokenResponse>, Ok<PasswordTokenResponse>, EasemobError>> IssueAsync(
        PresenceApp app, TokenRequest body, TimeSpan lifetime, TokenService tokens, IGrainFactory grains)
    {
        if (!UserKey.IsValidUsername(body.Username))
            return EasemobError.IllegalArgument(AccountsApi.IllegalUsername(body.Username));
        if (string.IsNullOrEmpty(body.Password))
            return EasemobError.IllegalArgument(AccountsApi.PasswordRequired);
        var username = body.Username.ToLowerInvariant();
        var result = await grains.GetAccountGrain(new UserKey(app.Org, app.App, username)).LoginAsync(body.Password);
        switch (result.Outcome)
        {
            case LoginOutcome.Ok:
                var account = result.Account!;
                var token = tokens.Issue(app, TokenKind.User, username, lifetime, out _);
                var user = new UserEntityDto(app.UserUuid(username).ToString(), "user", account.CreatedMs, account.ModifiedMs, username, account.Activated, account.Nickname);
                return TypedResults.Ok(new PasswordTokenResponse(token, (long)lifetime.TotalSeconds, user));
            case LoginOutcome.NotFound:
                return EasemobError.InvalidGrant(StatusCodes.Status404NotFound, UserNotFound);
            case LoginOutcome.NotActivated:
                return EasemobError.InvalidGrant(StatusCodes.Status400BadRequest, UserNotActivated);
            case LoginOutcome.Throttled:
                return EasemobError.ReachLimit(result.RetryAfter);
            default:
                return EasemobError.InvalidGrant(StatusCodes.Status400BadRequest, InvalidPassword);
        }
    }
}
