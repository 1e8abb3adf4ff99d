namespace Presence.Cluster.Tests;

/// <summary>What a process of the cluster is.</summary>
public enum NodeKind
{
    /// <summary>Grains and the whole API (src/Silo).</summary>
    Silo,

    /// <summary>The API as an Orleans client, no grains (src/Gateway).</summary>
    Gateway,
}
