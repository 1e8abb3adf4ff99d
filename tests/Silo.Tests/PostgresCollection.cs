namespace Presence.Silo.Tests;

/// <summary>
/// Every test class of this assembly joins this collection: they share one PostgreSQL server and run one after
/// another, so a test that stops the server cannot break a neighbour. Each test takes a fresh database.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "Silo processes on PostgreSQL";
}
