namespace Presence.Cluster.Tests;

/// <summary>The test classes that share one <see cref="DefaultClusterFixture"/> (one at a time).</summary>
[CollectionDefinition(Name)]
public sealed class DefaultClusterCollection : ICollectionFixture<DefaultClusterFixture>
{
    public const string Name = "default cluster";
}
