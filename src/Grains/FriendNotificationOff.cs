namespace Presence.Grains;

/// <summary>The switch of a silo that serves no API (tests' bare clusters): no app has friend notification on.</summary>
internal sealed class FriendNotificationOff : IFriendNotificationSwitch
{
    public bool IsOn(string org, string app) => false;
}
