namespace Presence.Grains.Tests;

/// <summary>Tests on the <see cref="DefaultCluster"/>; they run one after the other, as they share its clock.</summary>
[CollectionDefinition(Name)]
public sealed class DefaultClusterCollection : ICollectionFixture<DefaultCluster>
{
    public const string Name = "Default cluster";
}
