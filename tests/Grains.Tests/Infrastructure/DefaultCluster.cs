namespace Presence.Grains.Tests;

/// <summary>
/// The default limits, except that changes are not coalesced (every version reaches devices at once, so tests can
/// name each event), a fan-out names at most <see cref="MaxWatchersPerDelivery"/> watchers per message (so that a
/// test can make one of several), and reminders fire on the test clock.
/// </summary>
public sealed class DefaultCluster : PresenceCluster
{
    public const int MaxWatchersPerDelivery = 50;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Presence:Limits:CoalescingWindow"] = "00:00:00",
        ["Presence:Limits:MaxWatchersPerDelivery"] = $"{MaxWatchersPerDelivery}",
    };
}
