namespace Presence.Silo.Tests;

/// <summary>One throwaway PostgreSQL server for the whole assembly (<see cref="PostgresServer"/>).</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresServer? _server;

    public PostgresServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    public async Task InitializeAsync() => _server = await PostgresServer.LaunchAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
    }

    /// <summary>A fresh, empty database: the silo creates its schema, and table-wide reads see only this test's rows.</summary>
    public async Task<PresenceDatabase> CreateDatabaseAsync(string prefix) =>
        new(await Server.CreateDatabaseAsync(prefix));
}
