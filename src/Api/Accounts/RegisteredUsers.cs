using Presence.Grains;

namespace Presence.Api;

/// <summary>
/// <c>Presence:Apps:N:RequireRegisteredUsers</c>: with it on, only registered users have presence, tokens and sockets.
/// Each check is a call to the user's account grain, which answers from memory once active.
/// </summary>
internal static class RegisteredUsers
{
    /// <summary>True when the app does not require registration or the user is registered.</summary>
    public static async Task<bool> AllowedAsync(IGrainFactory grains, AppAccountSettings settings, UserKey user) =>
        !settings.RequireRegisteredUsers(user.Org, user.App) || await grains.GetAccountGrain(user).GetAsync() is not null;

    /// <summary>The names among <paramref name="usernames"/> that are not registered (none when the app does not require it).</summary>
    public static async Task<HashSet<string>> UnknownAsync(IGrainFactory grains, AppAccountSettings settings, UserKey owner, IEnumerable<string> usernames)
    {
        var unknown = new HashSet<string>(StringComparer.Ordinal);
        if (!settings.RequireRegisteredUsers(owner.Org, owner.App))
            return unknown;
        var names = usernames.ToList();
        var accounts = await Task.WhenAll(names.Select(name => grains.GetAccountGrain(owner.WithUsername(name)).GetAsync()));
        for (var i = 0; i < names.Count; i++)
        {
            if (accounts[i] is null)
                unknown.Add(names[i]);
        }
        return unknown;
    }
}
