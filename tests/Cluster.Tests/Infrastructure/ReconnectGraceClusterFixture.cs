namespace Presence.Cluster.Tests;

/// <summary>One silo and one gateway whose grains keep a dropped device online for <see cref="Grace"/>.</summary>
public sealed class ReconnectGraceClusterFixture : ClusterFixture
{
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    protected override string Name => "grace";

    protected override (int Silos, int Gateways) Shape => (1, 1);

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Presence:Realtime:ReconnectGrace"] = Grace.ToString("c"),
    };
}
