namespace Presence.Hosting;

/// <summary>Tags of health checks: <c>/health/live</c> runs the live ones, <c>/health/ready</c> the ready ones.</summary>
public static class HealthTags
{
    public const string Live = "live";
    public const string Ready = "ready";
}
