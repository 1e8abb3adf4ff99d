using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Presence.Grains;

namespace Presence.Api;

/// <summary>
/// Easemob's contacts (docs/api.md#contacts): add and remove a friend, both directions at once, and list them. An app
/// token or the owner's own user token may call them (the <c>{username}</c> of the route is the owner).
/// </summary>
internal static class ContactsApi
{
    internal const string AddYourself = "can't add yourself as a contact";

    public static IEndpointRouteBuilder MapContactsApi(this IEndpointRouteBuilder endpoints)
    {
        var contacts = endpoints.MapGroup("/{org}/{app}/users/{username}/contacts/users")
            .WithTags("Contacts")
            .RequireAuthorization(PresencePolicies.SelfOrApp)
            .AddEndpointFilter<RateLimitEndpointFilter>()
            .AddEndpointFilter<RegisteredUserEndpointFilter>();
        contacts.MapPost("/{friend}", AddAsync)
            .WithName("AddContact")
            .WithSummary("Adds a contact, both directions");
        contacts.MapDelete("/{friend}", RemoveAsync)
            .WithName("RemoveContact")
            .WithSummary("Removes a contact, both directions");
        contacts.MapGet("", ListAsync)
            .WithName("ListContacts")
            .WithSummary("The owner's contacts");
        return endpoints;
    }

    internal static async Task<Results<Ok<UsersResponse>, EasemobError>> AddAsync(
        string org, string app, string username, string friend, [AsParameters] AccountServices services)
    {
        if (Check(username, friend) is { } error)
            return error;
        var (owner, other) = (username.ToLowerInvariant(), friend.ToLowerInvariant());
        var key = new UserKey(services.App.Org, services.App.App, other);
        if (!await RegisteredUsers.AllowedAsync(services.Grains, services.Settings, key))
            return EasemobError.ResourceNotFound();
        var limit = services.Limits.Value.MaxContacts;
        var change = await GrainCallFailures.RetryOnceAsync(() => services.User(owner).AddContactAsync(other));
        return change switch
        {
            ContactChange.OwnerFull => EasemobError.ForbiddenOp($"user {owner} has reached the contacts limit of {limit}"),
            ContactChange.FriendFull => EasemobError.ForbiddenOp($"user {other} has reached the contacts limit of {limit}"),
            _ => TypedResults.Ok(await AnswerAsync("post", owner, other, services)),
        };
    }

    internal static async Task<Results<Ok<UsersResponse>, EasemobError>> RemoveAsync(
        string org, string app, string username, string friend, [AsParameters] AccountServices services)
    {
        if (Check(username, friend) is { } error)
            return error;
        var (owner, other) = (username.ToLowerInvariant(), friend.ToLowerInvariant());
        if (await GrainCallFailures.RetryOnceAsync(() => services.User(owner).RemoveContactAsync(other)) == ContactChange.Unchanged)
            return EasemobError.ResourceNotFound();
        return TypedResults.Ok(await AnswerAsync("delete", owner, other, services));
    }

    internal static async Task<Results<Ok<ContactsListResponse>, EasemobError>> ListAsync(string org, string app, string username, [AsParameters] AccountServices services)
    {
        if (!UserKey.IsValidUsername(username))
            return EasemobError.IllegalArgument(AccountsApi.IllegalUsername(username));
        var owner = username.ToLowerInvariant();
        var friends = await GrainCallFailures.RetryOnceAsync(() => services.User(owner).GetContactsAsync());
        var tenant = services.App;
        return TypedResults.Ok(new ContactsListResponse("get", tenant.ApplicationId.ToString(), $"/users/{owner}/contacts/users",
            services.Uri($"/users/{owner}/contacts/users"), [], friends, services.NowMs, 0, friends.Count, tenant.Org, tenant.App));
    }

    /// <summary>Easemob's answer to an add or remove: the friend as the one entity.</summary>
    private static async Task<UsersResponse> AnswerAsync(string action, string owner, string friend, AccountServices services)
    {
        var account = await services.Account(friend).GetAsync();
        var entity = account is null ? services.Entity(friend) : services.Entity(account);
        var tenant = services.App;
        return new UsersResponse(action, tenant.ApplicationId.ToString(), $"/users/{tenant.UserUuid(owner)}/contacts",
            services.Uri($"/users/{owner}/contacts/users/{friend}"), [entity], null, services.NowMs, 0, tenant.Org, tenant.App);
    }

    private static EasemobError? Check(string owner, string friend)
    {
        if (!UserKey.IsValidUsername(owner))
            return EasemobError.IllegalArgument(AccountsApi.IllegalUsername(owner));
        if (!UserKey.IsValidUsername(friend))
            return EasemobError.IllegalArgument(AccountsApi.IllegalUsername(friend));
        if (string.Equals(owner, friend, StringComparison.OrdinalIgnoreCase))
            return EasemobError.IllegalArgument(AddYourself);
        return null;
    }
}
