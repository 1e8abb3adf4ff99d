namespace Presence.Grains;

/// <summary>
/// Whether an app's users get their friends' presence events without subscribing (<c>Presence:Apps:N:FriendStatusNotification</c>).
/// Read at each fan-out and each connect, so a configuration reload takes effect without a restart. The API
/// implements it from the apps' options; a silo without the API answers off.
/// </summary>
public interface IFriendNotificationSwitch
{
    bool IsOn(string org, string app);
}
