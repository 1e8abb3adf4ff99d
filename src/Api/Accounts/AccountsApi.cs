using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Presence.Grains;

namespace Presence.Api;

/// <summary>
/// Easemob's user accounts (docs/api.md#accounts): register (one user or a batch of up to 60), get, delete and change a
/// password. Bodies and error strings are Easemob's; passwords go to the account grain and are never logged.
/// </summary>
internal static class AccountsApi
{
    internal const int MaxBatch = 60;
    internal const int MaxPasswordLength = 64;
    internal const int MaxNicknameLength = 100;
    internal const string PasswordRequired = "password or pin must provided";

    public static IEndpointRouteBuilder MapAccountsApi(this IEndpointRouteBuilder endpoints)
    {
        var users = endpoints.MapGroup("/{org}/{app}/users").WithTags("Accounts");
        users.MapPost("", RegisterAsync)
            .WithName("RegisterUsers")
            .WithSummary("Registers one user or a batch of up to 60 (an app token, or none with open registration)")
            .Accepts<RegisterUserRequest>("application/json")
            .AddEndpointFilter<AppEndpointFilter>()
            .AddEndpointFilter<RateLimitEndpointFilter>();
        users.MapGet("/{username}", GetAsync)
            .WithName("GetUser")
            .WithSummary("A registered user")
            .RequireAuthorization(PresencePolicies.SelfOrApp)
            .AddEndpointFilter<RateLimitEndpointFilter>();
        users.MapDelete("/{username}", DeleteAsync)
            .WithName("DeleteUser")
            .WithSummary("Deletes a user: sessions end, subscriptions, subscribers and contacts go, watchers see it offline")
            .RequireAuthorization(PresencePolicies.Token)
            .AddEndpointFilter<RateLimitEndpointFilter>();
        users.MapPut("/{username}/password", ChangePasswordAsync)
            .WithName("ChangePassword")
            .WithSummary("Sets a user's password (an app token, or the user's own token with oldpassword)")
            .Accepts<ChangePasswordRequest>("application/json")
            .RequireAuthorization(PresencePolicies.SelfOrApp)
            .AddEndpointFilter<RateLimitEndpointFilter>();
        return endpoints;
    }

    /// <summary><c>POST /{org}/{app}/users</c> with <c>{"username","password","nickname"?}</c> or an array of them.</summary>
    internal static async Task<Results<Ok<UsersResponse>, EasemobError>> RegisterAsync(string org, string app, [AsParameters] AccountServices services)
    {
        var tenant = services.App;
        var (body, bodyError) = await JsonRequestBody.ReadAsync(services.Request, AccountsJsonContext.Default.RegisterUsersRequest, services.Limits.Value.MaxRequestBodyBytes);
        if (bodyError is not null)
            return bodyError;
        // An app token, unless the app lets anyone register. Checked after the body, as the token route does.
        if (!services.Settings.OpenRegistration(tenant.Org, tenant.App))
        {
            var authentication = await services.Request.HttpContext.AuthenticateAsync(PresenceAuthenticationSchemes.Token);
            if (authentication.Principal?.GetPresenceToken() is not { } caller)
                return EasemobError.Unauthorized();
            if (caller.Kind != TokenKind.App)
                return EasemobError.Forbidden("Only an app token may register users");
        }
        if (body is null || body.Users.Count == 0)
            return EasemobError.IllegalArgument("a user object or a non-empty array of users is required");
        if (body.Users.Count > MaxBatch)
            return EasemobError.IllegalArgument($"too many users: at most {MaxBatch} per request");
        foreach (var user in body.Users)
        {
            if (Check(user) is { } error)
                return error;
        }

        var users = body.Users.Select(u => (Name: u!.Username!.ToLowerInvariant(), u.Password!, u.Nickname)).ToList();
        var distinct = users.DistinctBy(u => u.Name).ToList();
        var results = await Task.WhenAll(distinct.Select(u =>
            GrainCallFailures.RetryOnceAsync(() => services.Account(u.Name).RegisterAsync(u.Item2, u.Nickname))));
        var created = new List<UserEntityDto>();
        List<RegisterFailureDto>? failed = null;
        var createdNames = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < distinct.Count; i++)
        {
            if (results[i].Outcome == RegisterOutcome.Created)
            {
                created.Add(services.Entity(results[i].Account!));
                createdNames.Add(distinct[i].Name);
            }
            else
                (failed ??= []).Add(new RegisterFailureDto(distinct[i].Name, $"the {distinct[i].Name} already exists"));
        }
        // A name twice in one batch: the second one found it taken.
        foreach (var repeat in users.GroupBy(u => u.Name).Where(g => g.Count() > 1 && createdNames.Contains(g.Key)))
            (failed ??= []).Add(new RegisterFailureDto(repeat.Key, $"the {repeat.Key} already exists"));
        if (!body.IsBatch && created.Count == 0)
            return EasemobError.DuplicateUsername(tenant.ApplicationId, distinct[0].Name);
        return TypedResults.Ok(services.Users("post", "/users", created, body.IsBatch ? failed : null));
    }

    /// <summary><c>GET /{org}/{app}/users/{username}</c>.</summary>
    internal static async Task<Results<Ok<UsersResponse>, EasemobError>> GetAsync(string org, string app, string username, [AsParameters] AccountServices services)
    {
        if (!UserKey.IsValidUsername(username))
            return EasemobError.IllegalArgument(IllegalUsername(username));
        if (await GrainCallFailures.RetryOnceAsync(() => services.Account(username).GetAsync()) is not { } account)
            return EasemobError.ResourceNotFound();
        return TypedResults.Ok(services.Users("get", $"/users/{account.Username}", [services.Entity(account)], count: 1));
    }

    /// <summary><c>DELETE /{org}/{app}/users/{username}</c>, app token only.</summary>
    internal static async Task<Results<Ok<UsersResponse>, EasemobError>> DeleteAsync(string org, string app, string username, [AsParameters] AccountServices services)
    {
        if (services.Request.HttpContext.User.GetPresenceToken() is not { Kind: TokenKind.App })
            return EasemobError.Forbidden("Only an app token may delete users");
        if (!UserKey.IsValidUsername(username))
            return EasemobError.IllegalArgument(IllegalUsername(username));
        // Not retried: a second delete would find nothing and answer 404 for a user that was deleted.
        if (await services.Account(username).DeleteAsync() is not { } account)
            return EasemobError.ResourceNotFound();
        return TypedResults.Ok(services.Users("delete", $"/users/{account.Username}", [services.Entity(account)]));
    }

    /// <summary><c>PUT /{org}/{app}/users/{username}/password</c> with <c>{"newpassword"}</c> (and <c>oldpassword</c> for a user token).</summary>
    internal static async Task<Results<Ok<ActionResponse>, EasemobError>> ChangePasswordAsync(
        string org, string app, string username, [AsParameters] AccountServices services)
    {
        if (!UserKey.IsValidUsername(username))
            return EasemobError.IllegalArgument(IllegalUsername(username));
        var (body, bodyError) = await JsonRequestBody.ReadAsync(services.Request, AccountsJsonContext.Default.ChangePasswordRequest, services.Limits.Value.MaxRequestBodyBytes);
        if (bodyError is not null)
            return bodyError;
        if (body?.NewPassword is not { Length: > 0 and <= MaxPasswordLength } newPassword)
            return EasemobError.IllegalArgument($"newpassword is required: 1-{MaxPasswordLength} characters");
        var self = services.Request.HttpContext.User.GetPresenceToken() is { Kind: TokenKind.User };
        if (self && string.IsNullOrEmpty(body.OldPassword))
            return EasemobError.IllegalArgument("oldpassword is required with a user token");
        var result = await services.Account(username).ChangePasswordAsync(self ? body.OldPassword : null, newPassword);
        return result.Outcome switch
        {
            LoginOutcome.Ok => TypedResults.Ok(new ActionResponse("set user password", services.NowMs, 0)),
            LoginOutcome.NotFound => EasemobError.ResourceNotFound(),
            LoginOutcome.Throttled => EasemobError.ReachLimit(result.RetryAfter),
            _ => EasemobError.InvalidGrant(StatusCodes.Status400BadRequest, PasswordGrant.InvalidPassword),
        };
    }

    /// <summary>Easemob's refusal of a username (<c>username [name] is not legal</c>).</summary>
    internal static string IllegalUsername(string? username) => $"username [{username}] is not legal";

    private static EasemobError? Check(RegisterUserRequest? user)
    {
        if (user is null || !UserKey.IsValidUsername(user.Username))
            return EasemobError.IllegalArgument(IllegalUsername(user?.Username));
        if (string.IsNullOrEmpty(user.Password))
            return EasemobError.IllegalArgument(PasswordRequired);
        if (user.Password.Length > MaxPasswordLength)
            return EasemobError.IllegalArgument($"password is not legal: 1-{MaxPasswordLength} characters");
        if (user.Nickname is { Length: > MaxNicknameLength })
            return EasemobError.IllegalArgument($"nickname is not legal: at most {MaxNicknameLength} characters");
        return null;
    }
}
