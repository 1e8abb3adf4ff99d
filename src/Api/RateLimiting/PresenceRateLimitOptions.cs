namespace Presence.Api;

/// <summary>
/// Rate limits per app and per route (docs/api.md#rate-limits), bound from <c>Presence:RateLimits</c>. Each app gets
/// <see cref="PermitLimit"/> calls per <see cref="Window"/> on each route (Agora: 50 per second), in
/// fixed windows. <see cref="Routes"/> overrides them per route, keyed by endpoint name:
/// SetPresence, SubscribePresence, GetPresence, UnsubscribePresence, GetSubscriptions, IssueToken, ConnectSocket, Ping,
/// QueryOnlineStatus (Tencent's route, answered in Tencent's shape).
/// </summary>
public sealed class PresenceRateLimitOptions
{
    public const string SectionName = "Presence:RateLimits";

    public const int DefaultPermitLimit = 50;

    /// <summary>Whether limits are enforced at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Calls per window, per app and route.</summary>
    public int PermitLimit { get; set; } = DefaultPermitLimit;

    /// <summary>Length of the fixed window.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Per-route overrides, keyed by endpoint name (case-insensitive).</summary>
    public Dictionary<string, RouteRateLimitOptions> Routes { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
