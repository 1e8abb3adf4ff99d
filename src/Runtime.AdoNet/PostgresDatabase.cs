using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Presence.Orleans.Runtime.AdoNet;

/// <summary>
/// The one <see cref="NpgsqlDataSource"/> (connection pool) the providers share, the schema set-up, and the
/// rule that turns "PostgreSQL cannot be reached or did not answer in time" into <see cref="StorageUnavailableException"/>.
/// </summary>
internal sealed partial class PostgresDatabase : IAsyncDisposable, IDisposable
{
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private volatile bool _schemaReady;
    private volatile bool _unavailable;

    public PostgresDatabase(IOptions<PostgresPersistenceOptions> options, ILogger<PostgresDatabase> logger)
    {
        Options = options.Value;
        _logger = logger;
        var builder = new NpgsqlDataSourceBuilder(Options.ConnectionString);
        var settings = builder.ConnectionStringBuilder;
        settings.Timeout = Seconds(Options.ConnectTimeout);
        settings.CommandTimeout = Seconds(Options.CommandTimeout);
        // After a command timeout Npgsql asks the server to cancel and waits this long for the answer (default 2 s).
        settings.CancellationTimeout = 1000;
        if (string.IsNullOrEmpty(settings.ApplicationName))
            settings.ApplicationName = "Presence.Orleans";
        DataSource = builder.Build();
        BulkCommandTimeoutSeconds = Seconds(Options.BulkCommandTimeout);
    }

    public PostgresPersistenceOptions Options { get; }

    public NpgsqlDataSource DataSource { get; }

    public int BulkCommandTimeoutSeconds { get; }

    /// <summary>Applies the embedded scripts once per process; several silos starting together take turns on an advisory lock.</summary>
    public async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        if (_schemaReady || !Options.InitializeSchema)
            return;
        await _schemaGate.WaitAsync(cancellationToken);
        try
        {
            if (_schemaReady)
                return;
            await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            // DDL can wait: for another silo holding the lock, or (CREATE INDEX IF NOT EXISTS takes a share
            // lock even when the index exists) for running writes. The bulk timeout leaves room for that.
            await using (var take = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, transaction) { CommandTimeout = BulkCommandTimeoutSeconds })
            {
                take.Parameters.Add(new NpgsqlParameter<long> { TypedValue = PostgresSchema.AdvisoryLockKey });
                await take.ExecuteNonQueryAsync(cancellationToken);
            }
            foreach (var (name, sql) in PostgresSchema.Scripts)
            {
                await using var apply = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = BulkCommandTimeoutSeconds };
                await apply.ExecuteNonQueryAsync(cancellationToken);
                LogScriptApplied(name);
            }
            await transaction.CommitAsync(cancellationToken);
            _schemaReady = true;
            Succeeded();
        }
        catch (Exception exception) when (IsUnavailable(exception, cancellationToken))
        {
            throw Unavailable(exception, "applying the schema");
        }
        finally
        {
            _schemaGate.Release();
        }
    }

    /// <summary>
    /// Whether a failure means the database is out of reach (connection refused or lost, timeout, server
    /// shutting down or out of resources) rather than a bug or bad data. A cancelled caller is not an outage.
    /// </summary>
    public static bool IsUnavailable(Exception exception, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested && exception switch
        {
            PostgresException postgres => postgres.IsTransient || IsUnavailableState(postgres.SqlState),
            NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is SocketException or TimeoutException or IOException,
            SocketException or TimeoutException or IOException => true,
            _ => false,
        };

    // 08: connection exception; 53: insufficient resources; 57P0x: shutdown / cannot connect now;
    // 57014: statement cancelled by our command timeout or the server's statement_timeout.
    private static bool IsUnavailableState(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal)
        || sqlState.StartsWith("53", StringComparison.Ordinal)
        || sqlState.StartsWith("57P0", StringComparison.Ordinal)
        || sqlState == PostgresErrorCodes.QueryCanceled;

    /// <summary>
    /// Wraps an outage. Idle pooled connections are dropped too: after a server restart they are all dead,
    /// and without this each would fail one more call once the server is back.
    /// </summary>
    public StorageUnavailableException Unavailable(Exception exception, string operation)
    {
        DataSource.Clear();
        if (!_unavailable)
        {
            _unavailable = true;
            LogUnavailable(exception, operation);
        }
        return new StorageUnavailableException($"PostgreSQL is unavailable ({operation}): {exception.Message}", exception);
    }

    /// <summary>Notes a successful round trip; the first one after an outage is logged.</summary>
    public void Succeeded()
    {
        if (_unavailable)
        {
            _unavailable = false;
            LogAvailableAgain();
        }
    }

    public ValueTask DisposeAsync()
    {
        _schemaGate.Dispose();
        return DataSource.DisposeAsync();
    }

    public void Dispose()
    {
        _schemaGate.Dispose();
        DataSource.Dispose();
    }

    private static int Seconds(TimeSpan timeout) => Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds));

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied schema script {Script}")]
    private partial void LogScriptApplied(string script);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL is unavailable ({Operation}); storage calls fail until it returns")]
    private partial void LogUnavailable(Exception exception, string operation);

    [LoggerMessage(Level = LogLevel.Information, Message = "PostgreSQL is reachable again")]
    private partial void LogAvailableAgain();
}
