namespace Presence.Cluster.Tests;

/// <summary>One cluster for the tests that share it; each test first puts it back into shape.</summary>
public abstract class ClusterFixture : IAsyncLifetime
{
    private PresenceCluster? _cluster;

    public PresenceCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster has not started.");

    protected abstract string Name { get; }

    /// <summary>Configuration every process of this cluster gets, on top of the test defaults.</summary>
    protected abstract IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>How many silos and gateways the cluster keeps running.</summary>
    protected virtual (int Silos, int Gateways) Shape => (3, 2);

    public async Task InitializeAsync() => _cluster = await PresenceCluster.StartAsync(Name, Settings, Shape.Silos, Shape.Gateways);

    public virtual async Task DisposeAsync()
    {
        if (_cluster is not null)
            await _cluster.DisposeAsync();
    }
}
