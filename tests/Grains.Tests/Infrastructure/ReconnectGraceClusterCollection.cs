namespace Presence.Grains.Tests;

/// <summary>Tests on the <see cref="ReconnectGraceCluster"/>; they run one after the other, as they share its clock.</summary>
[CollectionDefinition(Name)]
public sealed class ReconnectGraceClusterCollection : ICollectionFixture<ReconnectGraceCluster>
{
    public const string Name = "Reconnect grace cluster";
}
