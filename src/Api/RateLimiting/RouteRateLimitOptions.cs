namespace Presence.Api;

/// <summary>Overrides of one route's limit; unset values fall back to <see cref="PresenceRateLimitOptions"/>.</summary>
public sealed class RouteRateLimitOptions
{
    public int? PermitLimit { get; set; }

    public TimeSpan? Window { get; set; }
}
