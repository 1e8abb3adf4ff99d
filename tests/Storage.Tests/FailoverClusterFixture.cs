using Orleans.TestingHost;

namespace Presence.Storage.Tests;

/// <summary>
/// The failover shape: three in-process silos on one PostgreSQL database, with fast death detection. Shared by the tests of
/// a class; a test that stops or kills a silo leaves two, and the next one tops the cluster up to three again.
/// </summary>
public sealed class FailoverClusterFixture : IAsyncLifetime
{
    public const short SiloCount = 3;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private InProcessTestCluster? _cluster;

    /// <summary>The cluster's database (created on first use, empty until the silos apply the schema).</summary>
    public string ConnectionString { get; private set; } = "";

    public async Task<InProcessTestCluster> GetAsync(PostgresFixture postgres)
    {
        await _gate.WaitAsync();
        try
        {
            if (_cluster is null)
            {
                ConnectionString = await postgres.CreateDatabaseAsync("failover");
                _cluster = await PostgresClusterBuilder.Create(ConnectionString, SiloCount).WithFastDeathDetection().DeployAsync();
            }
            var missing = SiloCount - _cluster.GetActiveSilos().Count();
            if (missing > 0)
            {
                await _cluster.StartSilosAsync(missing);
                await _cluster.WaitForLivenessToStabilizeAsync();
            }
            return _cluster;
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
            await _cluster.StopAsync();
    }
}
