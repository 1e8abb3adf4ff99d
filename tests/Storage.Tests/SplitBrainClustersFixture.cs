using Orleans.TestingHost;

namespace Presence.Storage.Tests;

/// <summary>
/// Two single-silo clusters that do not know each other but share one database and one service id: the same user can be
/// active in both at once, as after a wrong death declaration or a network split. Only storage fences them.
/// </summary>
public sealed class SplitBrainClustersFixture : IAsyncLifetime
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (InProcessTestCluster A, InProcessTestCluster B)? _clusters;

    public string ConnectionString { get; private set; } = "";

    public string ServiceId { get; } = "presence-" + Guid.NewGuid().ToString("N")[..8];

    public async Task<(InProcessTestCluster A, InProcessTestCluster B)> GetAsync(PostgresFixture postgres)
    {
        await _gate.WaitAsync();
        try
        {
            if (_clusters is null)
            {
                ConnectionString = await postgres.CreateDatabaseAsync("split_brain");
                var a = await PostgresClusterBuilder.Create(ConnectionString, silos: 1, ServiceId).DeployAsync();
                try
                {
                    _clusters = (a, await PostgresClusterBuilder.Create(ConnectionString, silos: 1, ServiceId).DeployAsync());
                }
                catch
                {
                    await a.StopAsync();
                    throw;
                }
            }
            return _clusters.Value;
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_clusters is { } clusters)
        {
            await clusters.A.StopAsync();
            await clusters.B.StopAsync();
        }
    }
}
