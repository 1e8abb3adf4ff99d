namespace Presence.Cluster.Tests;

/// <summary>
/// Three silos and two gateways whose device leases are short (renewed every 2 s, dropped after 8 s, checked every 2 s),
/// so that the devices of a dead gateway go offline within a test's patience.
/// </summary>
public sealed class ShortLeaseClusterFixture : ClusterFixture
{
    public static readonly TimeSpan OrphanedConnectionTimeout = TimeSpan.FromSeconds(8);

    /// <summary>What the grain uses: a quarter of the timeout (at least 1 s).</summary>
    public static readonly TimeSpan LeaseCheckPeriod = OrphanedConnectionTimeout / 4;

    public static readonly TimeSpan LeaseRenewPeriod = TimeSpan.FromSeconds(2);

    protected override string Name => "leases";

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Presence:Limits:OrphanedConnectionTimeout"] = OrphanedConnectionTimeout.ToString("c"),
        ["Presence:WebSocket:LeaseRenewPeriod"] = LeaseRenewPeriod.ToString("c"),
    };
}
