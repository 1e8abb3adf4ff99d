namespace Presence.Cluster.Tests;

/// <summary>A test that stops and starts PostgreSQL: it can only run on the throwaway server the run started itself.</summary>
public sealed class LocalPostgresFactAttribute : FactAttribute
{
    public LocalPostgresFactAttribute()
    {
        if (PostgresServer.UsesExternalServer)
            Skip = $"{PostgresServer.ConnectionStringVariable} points at an external server, which the tests cannot stop.";
    }
}
