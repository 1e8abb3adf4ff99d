using Microsoft.Extensions.Options;
using Presence.Grains;

namespace Presence.Api;

/// <summary>
/// The account switches of each app (<c>Presence:Apps:N:OpenRegistration</c>, <c>RequireRegisteredUsers</c>,
/// <c>FriendStatusNotification</c>), read from the current options: a configuration reload applies them without a restart.
/// Also the grains' <see cref="IFriendNotificationSwitch"/> on a silo that serves the API.
/// </summary>
internal sealed class AppAccountSettings(IOptionsMonitor<PresenceAppsOptions> options) : IFriendNotificationSwitch
{
    private (List<PresenceAppOptions> Source, Dictionary<string, PresenceAppOptions> ByKey)? _index;

    public bool OpenRegistration(string org, string app) => Find(org, app)?.OpenRegistration == true;

    public bool RequireRegisteredUsers(string org, string app) => Find(org, app)?.RequireRegisteredUsers == true;

    public bool IsOn(string org, string app) => Find(org, app)?.FriendStatusNotification == true;

    private PresenceAppOptions? Find(string org, string app)
    {
        var apps = options.CurrentValue.Apps;
        var index = _index;
        if (index is not { } known || !ReferenceEquals(known.Source, apps))
        {
            var byKey = new Dictionary<string, PresenceAppOptions>(StringComparer.OrdinalIgnoreCase);
            foreach (var configured in apps)
                byKey[$"{configured.Org}/{configured.App}"] = configured;
            _index = index = (apps, byKey);
        }
        return index.Value.ByKey.GetValueOrDefault($"{org}/{app}");
    }
}
