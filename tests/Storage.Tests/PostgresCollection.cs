namespace Presence.Storage.Tests;

/// <summary>
/// Every test class that touches PostgreSQL joins this collection: they share one server and run one after
/// another, so a test that stops the server mid-test cannot break a neighbour.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "PostgreSQL";
}
