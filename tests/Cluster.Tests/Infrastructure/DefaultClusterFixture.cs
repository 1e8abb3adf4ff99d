namespace Presence.Cluster.Tests;

/// <summary>
/// Three silos and two gateways with the production timings of membership (2 s probes, 2 misses, 2 votes) and of device
/// leases (renewed every 20 s, dropped after 60 s): a test that sees events resume after a silo died sees the resync
/// rounds at work, not a shortened lease renewal. Every process exports its traces to <see cref="Collector"/>, as a
/// production cluster exports them to an OpenTelemetry collector.
/// </summary>
public sealed class DefaultClusterFixture : ClusterFixture
{
    public OtlpCollector Collector { get; } = new();

    protected override string Name => "cluster";

    protected override IReadOnlyDictionary<string, string> Settings => Collector.ExporterSettings;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Collector.Dispose();
    }
}
