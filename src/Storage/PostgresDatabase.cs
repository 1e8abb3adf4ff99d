using System.Data;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Presence.Diagnostics;

namespace Presence.Storage;

/// <summary>
/// The one <see cref="NpgsqlDataSource"/> (connection pool) our PostgreSQL code shares, and what that code throws in
/// place of the driver's exceptions (<see cref="Translate"/>).
/// </summary>
public sealed partial class PostgresDatabase : IAsyncDisposable, IDisposable
{
    private readonly ILogger _logger;
    private volatile bool _unavailable;

    public PostgresDatabase(IOptions<PostgresPersistenceOptions> options, ILogger<PostgresDatabase> logger)
    {
        Options = options.Value;
        _logger = logger;
        ConnectionString = BuildConnectionString(Options);
        DataSource = NpgsqlDataSource.Create(ConnectionString);
        BulkCommandTimeoutSeconds = Seconds(Options.BulkCommandTimeout);
    }

    /// <summary>
    /// The configured connection string with our timeouts in force. Orleans' ADO.NET providers get the same string,
    /// so that every part of the silo gives up on an unreachable database within seconds.
    /// </summary>
    public string ConnectionString { get; }

    private static string BuildConnectionString(PostgresPersistenceOptions options)
    {
        var settings = new NpgsqlConnectionStringBuilder(options.ConnectionString)
        {
            Timeout = Seconds(options.ConnectTimeout),
            CommandTimeout = Seconds(options.CommandTimeout),
            // After a command timeout Npgsql asks the server to cancel and waits this long for the answer (default 2 s).
            CancellationTimeout = 1000,
        };
        if (string.IsNullOrEmpty(settings.ApplicationName))
            settings.ApplicationName = "Presence.Orleans";
        return settings.ConnectionString;
    }

    public PostgresPersistenceOptions Options { get; }

    public NpgsqlDataSource DataSource { get; }

    public int BulkCommandTimeoutSeconds { get; }

    /// <summary>Whether the last call that reached a verdict found the database unavailable (see <see cref="Unavailable"/>).</summary>
    public bool IsUnavailable => _unavailable;

    /// <summary>
    /// What a call on this database throws in place of <paramref name="exception"/>, which <see cref="StorageErrors.MustTranslate"/>
    /// chose: an outage becomes <see cref="StorageUnavailableException"/> (<see cref="Unavailable"/>), a cancellation a plain
    /// <see cref="OperationCanceledException"/>, and any other database error a <see cref="DataException"/>, logged here:
    /// a bug, which the gateway answers 500. None carries the driver's exception, which no process can deserialize
    /// (Orleans finds no codec for Npgsql's types), so each keeps only its message.
    /// </summary>
    public Exception Translate(Exception exception, string operation)
    {
        if (StorageErrors.IsUnavailable(exception))
            return Unavailable(exception, operation);
        if (exception is OperationCanceledException cancelled)
            return new OperationCanceledException(cancelled.Message, cancelled.CancellationToken);
        LogFailed(exception, operation);
        return new DataException($"PostgreSQL failed ({operation}): {exception.Message}");
    }

    /// <summary>
    /// Says an outage (see <see cref="StorageErrors.IsUnavailable"/>) as <see cref="StorageUnavailableException"/>, logged
    /// once per outage. Idle pooled connections are dropped too: after a server restart they are all dead, and without
    /// this each would fail one more call once the server is back.
    /// </summary>
    public StorageUnavailableException Unavailable(Exception exception, string operation)
    {
        DataSource.Clear();
        // Not the operation's text as the tag: it names grains and counts, and a metric's tags must stay few.
        PresenceMetrics.StorageFailed("postgres");
        if (!_unavailable)
        {
            _unavailable = true;
            LogUnavailable(exception, operation);
        }
        return new StorageUnavailableException($"PostgreSQL is unavailable ({operation}): {exception.Message}");
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

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();

    public void Dispose() => DataSource.Dispose();

    private static int Seconds(TimeSpan timeout) => Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds));

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL is unavailable ({Operation}); storage calls fail until it returns")]
    private partial void LogUnavailable(Exception exception, string operation);

    [LoggerMessage(Level = LogLevel.Error, Message = "PostgreSQL failed ({Operation}), and not for an outage")]
    private partial void LogFailed(Exception exception, string operation);

    [LoggerMessage(Level = LogLevel.Information, Message = "PostgreSQL is reachable again")]
    private partial void LogAvailableAgain();
}
