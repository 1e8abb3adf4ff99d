using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Presence.Grains;

namespace Presence.Api;

/// <summary>What the accounts and contacts handlers need, bound with <c>[AsParameters]</c>.</summary>
internal readonly record struct AccountServices(
    HttpRequest Request, IGrainFactory Grains, IOptions<PresenceLimits> Limits, AppAccountSettings Settings, TimeProvider Clock)
{
    public PresenceApp App => Request.HttpContext.Features.GetRequiredFeature<PresenceAppFeature>().App;

    public IUserAccountGrain Account(string username) => Grains.GetAccountGrain(new UserKey(App.Org, App.App, username.ToLowerInvariant()));

    public IUserPresenceGrain User(string username) => Grains.GetUserGrain(new UserKey(App.Org, App.App, username.ToLowerInvariant()));

    public long NowMs => Clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>The request's URL up to and including <paramref name="path"/> (Easemob's <c>uri</c>).</summary>
    public string Uri(string path) => $"{Request.Scheme}://{Request.Host}/{App.Org}/{App.App}{path}";

    public UserEntityDto Entity(UserAccount account) =>
        new(App.UserUuid(account.Username).ToString(), "user", account.CreatedMs, account.ModifiedMs, account.Username, account.Activated, account.Nickname);

    /// <summary>A user that has presence but no account (registration not required): shown as created now.</summary>
    public UserEntityDto Entity(string username) =>
        new(App.UserUuid(username).ToString(), "user", NowMs, NowMs, username, true, null);

    public UsersResponse Users(string action, string path, List<UserEntityDto> entities, List<RegisterFailureDto>? data = null, int? count = null) =>
        new(action, App.ApplicationId.ToString(), "/users", Uri(path), entities, data, NowMs, 0, App.Org, App.App, count);
}
