namespace Presence.Grains.Tests;

/// <summary>A reconnect grace of <see cref="Grace"/> (<c>Presence:Realtime:ReconnectGrace</c>), no coalescing window, quiet reminders.</summary>
public sealed class ReconnectGraceCluster : PresenceCluster
{
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(15);

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Presence:Realtime:ReconnectGrace"] = Grace.ToString("c"),
        ["Presence:Limits:CoalescingWindow"] = "00:00:00",
    };

    protected override void ConfigureSilo(ISiloBuilder silo) => silo.AddIncomingGrainCallFilter<QuietRemindersFilter>();
}
