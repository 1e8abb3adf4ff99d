using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Presence.Grains;

namespace Presence.Api;

/// <summary>The presence routes R1–R5 of docs/api.md#presence-routes (Agora / Easemob), under <c>/{org}/{app}</c>.</summary>
internal static class PresenceApi
{
    internal const string TooManySub = "too many sub presence";
    internal const string TooManyGet = "too many get presences";
    internal const string TooManyUnsub = "too many unsub presences";
    internal const string SubYourself = "you can't sub yourself";
    internal const string ExtTooBig = "ext is too big ";

    public static RouteGroupBuilder MapPresenceRoutes(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/{org}/{app}/users/{username}/presence")
            .WithTags("Presence")
            .RequireAuthorization(PresencePolicies.SelfOrApp)
            .AddEndpointFilter<RateLimitEndpointFilter>()
            .AddEndpointFilter<RegisteredUserEndpointFilter>();

        api.MapPost("/{resource}/{status}", SetPresenceAsync)
            .WithName("SetPresence")
            .WithSummary("R1: sets the status of one resource and the user's ext")
            .Accepts<SetPresenceRequest>("application/json");
        api.MapPost("/{expiry}", SubscribeAsync)
            .WithName("SubscribePresence")
            .WithSummary("R2: subscribes the user to up to 100 users for expiry seconds")
            .Accepts<UsernamesRequest>("application/json");
        api.MapPost("", GetPresenceAsync)
            .WithName("GetPresence")
            .WithSummary("R3: presence of up to 100 users")
            .Accepts<UsernamesRequest>("application/json");
        api.MapDelete("", UnsubscribeAsync)
            .WithName("UnsubscribePresence")
            .WithSummary("R4: removes subscriptions (a bare array or {\"users\":[…]}; an empty list removes all)")
            .Accepts<UnsubscribeRequest>("application/json");
        api.MapGet("/sublist", GetSubscriptionsAsync)
            .WithName("GetSubscriptions")
            .WithSummary("R5: live subscriptions ordered by uid, paged");
        return api;
    }

    /// <summary>R1 <c>POST /users/{username}/presence/{resource}/{status}</c> with <c>{"ext":"…"}</c>.</summary>
    internal static async Task<Results<Ok<ResultResponse>, EasemobError>> SetPresenceAsync(
        string org, string app, string username, string resource, string status, [AsParameters] PresenceServices services)
    {
        if (CheckUsername(username) is { } usernameError)
            return usernameError;
        if (!PresenceValidation.IsValidResource(resource))
            return EasemobError.IllegalArgument("resource is not legal: 1-64 characters of A-Z a-z 0-9 _ -");
        if (!PresenceValidation.IsValidStatus(status))
            return EasemobError.IllegalArgument("status is not legal: 1-64 UTF-8 bytes without control characters");

        var limits = services.Limits.Value;
        var (body, bodyError) = await JsonRequestBody.ReadAsync(services.Request, GatewayJsonContext.Default.SetPresenceRequest, limits.MaxRequestBodyBytes);
        if (bodyError is not null)
            return bodyError;
        if (body?.Ext is not { } ext)
            return EasemobError.IllegalArgument("ext is required");
        if (PresenceValidation.IsExtTooBig(ext, limits.MaxExtBytes))
            return EasemobError.IllegalArgument(ExtTooBig);

        await GrainCallFailures.RetryOnceAsync(() => services.User(org, app, username).SetStatusAsync(resource, status, ext));
        return TypedResults.Ok(ResultResponse.Ok);
    }

    /// <summary>R2 <c>POST /users/{username}/presence/{expiry}</c> with <c>{"usernames":[…]}</c>.</summary>
    internal static async Task<Results<Ok<SubscribeResponse>, EasemobError>> SubscribeAsync(
        string org, string app, string username, string expiry, [AsParameters] PresenceServices services)
    {
        if (CheckUsername(username) is { } usernameError)
            return usernameError;
        var limits = services.Limits.Value;
        if (!PresenceValidation.TryParseInteger(expiry, out var expirySeconds) || expirySeconds < 1 || expirySeconds > limits.MaxExpirySeconds)
            return EasemobError.IllegalArgument($"expiry must be an integer from 1 to {limits.MaxExpirySeconds}");

        var (body, bodyError) = await JsonRequestBody.ReadAsync(services.Request, GatewayJsonContext.Default.UsernamesRequest, limits.MaxRequestBodyBytes);
        if (bodyError is not null)
            return bodyError;
        if (CheckNames(body?.Usernames, "usernames", allowEmpty: false, limits.MaxUsersPerRestCall, TooManySub) is { } namesError)
            return namesError;
        var targets = Normalize(body!.Usernames!);
        if (targets.Contains(username.ToLowerInvariant()))
            return EasemobError.IllegalArgument(SubYourself);

        // With registration required, unknown users are listed in failed like full ones.
        var accounts = services.Request.HttpContext.RequestServices.GetRequiredService<AppAccountSettings>();
        var unknown = await RegisteredUsers.UnknownAsync(services.Grains, accounts, UserKey.Create(org, app, username), targets);
        targets.RemoveAll(unknown.Contains);
        var result = targets.Count == 0 ? new SubscribeResult([], [])
            : await GrainCallFailures.RetryOnceAsync(() => services.User(org, app, username).SubscribeAsync(targets, expirySeconds));
        var failed = unknown.Count == 0 ? result.Failed : [.. unknown, .. result.Failed];
        return TypedResults.Ok(new SubscribeResponse(result.Subscribed, failed.Count == 0 ? null : failed));
    }

    /// <summary>R3 <c>POST /users/{username}/presence</c> with <c>{"usernames":[…]}</c>.</summary>
    internal static async Task<Results<Ok<PresenceListResponse>, EasemobError>> GetPresenceAsync(
        string org, string app, string username, [AsParameters] PresenceServices services)
    {
        if (CheckUsername(username) is { } usernameError)
            return usernameError;
        var limits = services.Limits.Value;
        var (body, bodyError) = await JsonRequestBody.ReadAsync(services.Request, GatewayJsonContext.Default.UsernamesRequest, limits.MaxRequestBodyBytes);
        if (bodyError is not null)
            return bodyError;
        if (CheckNames(body?.Usernames, "usernames", allowEmpty: false, limits.MaxUsersPerRestCall, TooManyGet) is { } namesError)
            return namesError;

        var users = Normalize(body!.Usernames!).Select(name => UserKey.Create(org, app, name)).ToList();
        var snapshots = await Task.WhenAll(PresenceReader.Start(services.Grains, services.LocalSnapshots, users));
        return TypedResults.Ok(new PresenceListResponse(snapshots));
    }

    /// <summary>R4 <c>DELETE /users/{username}/presence</c> with <c>["u1",…]</c> or <c>{"users":[…]}</c>; empty means all.</summary>
    internal static async Task<Results<Ok<ResultResponse>, EasemobError>> UnsubscribeAsync(
        string org, string app, string username, [AsParameters] PresenceServices services)
    {
        if (CheckUsername(username) is { } usernameError)
            return usernameError;
        var limits = services.Limits.Value;
        var (body, bodyError) = await JsonRequestBody.ReadAsync(services.Request, GatewayJsonContext.Default.UnsubscribeRequest, limits.MaxRequestBodyBytes);
        if (bodyError is not null)
            return bodyError;
        // A missing body is not "all": proxies drop DELETE bodies, and that must not wipe every subscription.
        if (CheckNames(body?.Users, "users", allowEmpty: true, limits.MaxUsersPerRestCall, TooManyUnsub) is { } namesError)
            return namesError;

        var users = Normalize(body!.Users!);
        await GrainCallFailures.RetryOnceAsync(() => services.User(org, app, username).UnsubscribeAsync(users));
        return TypedResults.Ok(ResultResponse.Ok);
    }

    /// <summary>R5 <c>GET /users/{username}/presence/sublist?pageNum=1&amp;pageSize=100</c>.</summary>
    internal static async Task<Results<Ok<SubscriptionListResponse>, EasemobError>> GetSubscriptionsAsync(
        string org, string app, string username, string? pageNum, string? pageSize, [AsParameters] PresenceServices services)
    {
        if (CheckUsername(username) is { } usernameError)
            return usernameError;
        var maxPageSize = services.Limits.Value.MaxPageSize;
        var page = 1;
        if (!string.IsNullOrEmpty(pageNum) && (!PresenceValidation.TryParseInteger(pageNum, out page) || page < 1))
            return EasemobError.IllegalArgument("pageNum must be an integer of at least 1");
        var size = 1;
        if (!string.IsNullOrEmpty(pageSize) && (!PresenceValidation.TryParseInteger(pageSize, out size) || size < 1 || size > maxPageSize))
            return EasemobError.IllegalArgument($"pageSize must be an integer from 1 to {maxPageSize}");

        var result = await GrainCallFailures.RetryOnceAsync(() => services.User(org, app, username).GetSubscriptionsAsync(page, size));
        return TypedResults.Ok(new SubscriptionListResponse(new SubscriptionListDto(result.Total, result.Items)));
    }

    private static EasemobError? CheckUsername(string username) =>
        PresenceValidation.IsValidUsername(username)
            ? null
            : EasemobError.IllegalArgument("username is not legal: 1-64 characters of A-Z a-z 0-9 _ - .");

    private static EasemobError? CheckNames(List<string?>? names, string field, bool allowEmpty, int max, string tooMany)
    {
        if (names is null)
            return EasemobError.IllegalArgument($"{field} is required");
        if (names.Count == 0 && !allowEmpty)
            return EasemobError.IllegalArgument($"{field} must not be empty");
        if (names.Count > max)
            return EasemobError.IllegalArgument(tooMany);
        foreach (var name in names)
        {
            if (!PresenceValidation.IsValidUsername(name))
                return EasemobError.IllegalArgument($"{field} contains a username that is not legal: 1-64 characters of A-Z a-z 0-9 _ - .");
        }
        return null;
    }

    /// <summary>Lower-cases and de-duplicates, keeping the first occurrence's order.</summary>
    private static List<string> Normalize(List<string?> names)
    {
        var seen = new HashSet<string>(names.Count, StringComparer.Ordinal);
        var result = new List<string>(names.Count);
        foreach (var name in names)
        {
            var lower = name!.ToLowerInvariant();
            if (seen.Add(lower))
                result.Add(lower);
        }
        return result;
    }

}
