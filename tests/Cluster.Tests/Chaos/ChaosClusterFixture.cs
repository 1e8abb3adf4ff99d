namespace Presence.Cluster.Tests;

/// <summary>Three silos and two gateways of their own on PostgreSQL: the chaos run kills and restarts them.</summary>
public sealed class ChaosClusterFixture : ClusterFixture
{
    protected override string Name => "chaos";

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>();
}
