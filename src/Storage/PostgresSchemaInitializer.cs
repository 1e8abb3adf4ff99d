using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Runtime;
using Presence.Grains;

namespace Presence.Storage;

/// <summary>
/// Applies <see cref="PostgresSchema"/> at the very first stage of the silo's start, before any Orleans provider
/// reads its queries from the <c>OrleansQuery</c> table. All scripts run in one transaction under an advisory lock, so silos
/// starting together take turns and a failure leaves nothing half applied. While the database cannot be reached the
/// start waits and retries: the process is live (its HTTP port answers) but not ready.
/// </summary>
internal sealed partial class PostgresSchemaInitializer(
    PostgresDatabase database, IOptions<PostgresPersistenceOptions> options, ILogger<PostgresSchemaInitializer> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.InitializeSchema)
            return;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ApplyAsync(database, cancellationToken);
                LogApplied(PostgresSchema.Scripts.Count);
                return;
            }
            catch (StorageUnavailableException exception)
            {
                LogWaiting(exception.Message, attempt);
                await Task.Delay(RetryDelay, cancellationToken);
            }
        }
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(PostgresSchemaInitializer), ServiceLifecycleStage.First, StartAsync);

    /// <summary>Applies every script once, in one transaction; an outage becomes <see cref="StorageUnavailableException"/>.</summary>
    public static async Task ApplyAsync(PostgresDatabase database, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            // DDL can wait: for another silo holding the lock, or (CREATE INDEX IF NOT EXISTS takes a share
            // lock even when the index exists) for running writes. The bulk timeout leaves room for that.
            await using (var take = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, transaction) { CommandTimeout = database.BulkCommandTimeoutSeconds })
            {
                take.Parameters.Add(new NpgsqlParameter<long> { TypedValue = PostgresSchema.AdvisoryLockKey });
                await take.ExecuteNonQueryAsync(cancellationToken);
            }
            foreach (var (_, sql) in PostgresSchema.Scripts)
            {
                await using var apply = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = database.BulkCommandTimeoutSeconds };
                await apply.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            database.Succeeded();
        }
        catch (Exception exception) when (StorageErrors.IsUnavailable(exception))
        {
            throw database.Unavailable(exception, "applying the schema");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "PostgreSQL schema is up to date ({Count} scripts applied)")]
    private partial void LogApplied(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waiting for PostgreSQL to apply the schema (attempt {Attempt}): {Reason}")]
    private partial void LogWaiting(string reason, int attempt);
}
