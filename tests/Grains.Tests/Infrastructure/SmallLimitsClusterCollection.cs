namespace Presence.Grains.Tests;

/// <summary>Tests on the <see cref="SmallLimitsCluster"/>; they run one after the other, as they share its clock.</summary>
[CollectionDefinition(Name)]
public sealed class SmallLimitsClusterCollection : ICollectionFixture<SmallLimitsCluster>
{
    public const string Name = "Small limits cluster";
}
