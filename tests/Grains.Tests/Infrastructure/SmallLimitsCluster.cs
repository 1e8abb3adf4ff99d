namespace Presence.Grains.Tests;

/// <summary>
/// Small limits set through configuration, as an operator would (caps low enough to hit, no <c>ext</c> grace period,
/// the default 1 s coalescing window), and quiet reminders: they are registered and stored as in production, but
/// their ticks never reach a grain, so what these tests see is the grains' own timers and time filters alone.
/// </summary>
public sealed class SmallLimitsCluster : PresenceCluster
{
    public const int MaxResourcesPerUser = 2;
    public const int MaxSubscriptionsPerUser = 3;
    public const int MaxSubscribersPerUser = 2;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Presence:Limits:MaxResourcesPerUser"] = $"{MaxResourcesPerUser}",
        ["Presence:Limits:MaxSubscriptionsPerUser"] = $"{MaxSubscriptionsPerUser}",
        ["Presence:Limits:MaxSubscribersPerUser"] = $"{MaxSubscribersPerUser}",
        ["Presence:Limits:ExtGracePeriod"] = "00:00:00",
    };

    protected override void ConfigureSilo(ISiloBuilder silo) => silo.AddIncomingGrainCallFilter<QuietRemindersFilter>();
}
