using System.Diagnostics;

namespace Presence.Cluster.Tests;

/// <summary>A test on a shared cluster: it starts from the cluster's full shape and writes what it measured to its output.</summary>
public abstract class ClusterTest(ClusterFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    protected PresenceCluster Cluster { get; } = fixture.Cluster;

    protected ITestOutputHelper Output { get; } = output;

    /// <summary>Names unique to this test run, so tests sharing a cluster never share users.</summary>
    protected static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    public virtual async Task InitializeAsync()
    {
        Cluster.AttachOutput(Output);
        await Cluster.EnsureShapeAsync();
    }

    public virtual Task DisposeAsync()
    {
        Cluster.AttachOutput(null);
        return Task.CompletedTask;
    }

    protected void Log(string message) => Cluster.Log(message);

    /// <summary>Seconds from one Stopwatch timestamp to another.</summary>
    protected static double Seconds(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalSeconds;
}
