namespace Presence.Grains.Tests;

/// <summary>Tests on the <see cref="FriendsCluster"/>.</summary>
[CollectionDefinition(Name)]
public sealed class FriendsClusterCollection : ICollectionFixture<FriendsCluster>
{
    public const string Name = "Friends cluster";
}
