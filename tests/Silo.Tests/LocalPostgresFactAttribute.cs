namespace Presence.Silo.Tests;

/// <summary>A test that stops and starts the server: it can only run on the throwaway server this run started.</summary>
public sealed class LocalPostgresFactAttribute : FactAttribute
{
    public LocalPostgresFactAttribute()
    {
        if (PostgresServer.UsesExternalServer)
            Skip = $"{PostgresServer.ConnectionStringVariable} points at an external server, which the tests cannot stop.";
    }
}
