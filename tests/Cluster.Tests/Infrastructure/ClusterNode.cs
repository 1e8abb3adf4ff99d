namespace Presence.Cluster.Tests;

/// <summary>One process of the cluster, with a REST client of its API.</summary>
public sealed class ClusterNode : IAsyncDisposable
{
    public ClusterNode(NodeKind kind, ServiceProcess process, int? siloPort, int? gatewayPort, PresenceRest rest)
    {
        Kind = kind;
        Process = process;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        Rest = rest;
    }

    public NodeKind Kind { get; }

    public ServiceProcess Process { get; }

    public string Name => Process.Name;

    /// <summary>The silo-to-silo port (silos only): the port of its <c>SiloAddress</c> in Orleans and in the membership table.</summary>
    public int? SiloPort { get; }

    /// <summary>The Orleans gateway port clients connect to (silos only).</summary>
    public int? GatewayPort { get; }

    public PresenceRest Rest { get; }

    /// <summary>When it answered <c>/health/ready</c> first (a Stopwatch timestamp).</summary>
    public long ReadyAt { get; private set; }

    /// <summary>How long it has been ready.</summary>
    public TimeSpan Age => System.Diagnostics.Stopwatch.GetElapsedTime(ReadyAt);

    public bool HasExited => Process.HasExited;

    public void MarkReady() => ReadyAt = System.Diagnostics.Stopwatch.GetTimestamp();

    /// <summary>The WebSocket route of the dev app on this process.</summary>
    public Uri SocketUri(string resource) =>
        new($"ws://127.0.0.1:{Process.Port}/{PresenceRest.Org}/{PresenceRest.App}/ws?resource={Uri.EscapeDataString(resource)}");

    public override string ToString() => Name;

    public async ValueTask DisposeAsync()
    {
        Rest.Dispose();
        await Process.DisposeAsync();
    }
}
