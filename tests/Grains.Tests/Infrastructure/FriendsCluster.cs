using Microsoft.Extensions.DependencyInjection;

namespace Presence.Grains.Tests;

/// <summary>The default cluster's settings with friend status notification on for every app (what the API's switch says when configured).</summary>
public sealed class FriendsCluster : PresenceCluster
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Presence:Limits:CoalescingWindow"] = "00:00:00",
    };

    protected override void ConfigureSilo(ISiloBuilder silo) => silo.Services.AddSingleton<IFriendNotificationSwitch>(new AlwaysOn());

    private sealed class AlwaysOn : IFriendNotificationSwitch
    {
        public bool IsOn(string org, string app) => true;
    }
}
