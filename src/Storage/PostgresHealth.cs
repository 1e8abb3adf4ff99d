using Npgsql;

namespace Presence.Storage;

/// <summary>What a readiness probe asks: can the silo reach its database right now?</summary>
public sealed class PostgresHealth : IStorageHealth
{
    public string Backend => "postgres";

    private readonly PostgresDatabase _database;

    internal PostgresHealth(PostgresDatabase database) => _database = database;

    public bool IsKnownUnavailable => _database.IsUnavailable;

    /// <summary>
    /// One round trip (<c>SELECT 1</c>) on the shared pool. Returns when the database answered; throws
    /// <see cref="StorageUnavailableException"/> when it did not within the connect and command timeouts (so a
    /// probe never waits longer than those) or refused us (wrong password, missing database).
    /// Only the caller's own cancellation surfaces as <see cref="OperationCanceledException"/>.
    /// </summary>
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var command = _database.DataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            _database.Succeeded();
        }
        catch (Exception exception) when (StorageErrors.IsUnavailable(exception))
        {
            throw _database.Unavailable(exception, "ping");
        }
        catch (NpgsqlException exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Reachable but unusable (authentication, missing database): just as unready.
            throw new StorageUnavailableException($"PostgreSQL refused the ping: {exception.Message}", exception);
        }
    }
}
