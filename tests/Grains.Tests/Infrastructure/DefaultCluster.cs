namespace Presence.Orleans.Grains.Tests;

/// <summary>
/// The default limits, except that changes are not coalesced (every version reaches devices at once, so tests can
/// name each event), and reminders fire on the test clock.
/// </summary>
public sealed class DefaultCluster : PresenceCluster
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Presence:Limits:CoalescingWindow"] = "00:00:00",
    };
}
