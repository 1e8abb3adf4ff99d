namespace Presence.Cluster.Tests;

/// <summary>One row of Orleans' membership table (<c>orleansmembershiptable</c>).</summary>
public sealed record MembershipRow(int Port, int Generation, int Status, DateTimeOffset IAmAliveTime)
{
    /// <summary>Orleans' <c>SiloStatus.Active</c>.</summary>
    public const int Active = 3;

    /// <summary>Orleans' <c>SiloStatus.Dead</c>.</summary>
    public const int Dead = 6;
}
