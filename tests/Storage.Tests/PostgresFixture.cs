using System.Collections.Concurrent;

namespace Presence.Storage.Tests;

/// <summary>One throwaway PostgreSQL server for every test of this assembly, with a database per test class or per cluster.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private readonly ConcurrentDictionary<Type, Lazy<Task<string>>> _classDatabases = new();
    private PostgresServer? _server;

    public PostgresServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    public async Task InitializeAsync() => _server = await PostgresServer.LaunchAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
    }

    /// <summary>The database shared by the tests of one class (they use distinct keys).</summary>
    public Task<string> DatabaseForAsync(Type testClass) =>
        _classDatabases.GetOrAdd(testClass, t => new Lazy<Task<string>>(() => Server.CreateDatabaseAsync(t.Name))).Value;

    /// <summary>A fresh, empty database (a silo reads reminders and schema table-wide), as a connection string.</summary>
    public Task<string> CreateDatabaseAsync(string prefix) => Server.CreateDatabaseAsync(prefix);
}
