using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Presence.Orleans.Diagnostics;

namespace Presence.Orleans.Grains;

/// <summary>
/// The one <see cref="NpgsqlDataSource"/> (connection pool) our PostgreSQL code shares, and the
/// rule that turns "PostgreSQL cannot be reached or did not answer in time" into <see cref="StorageUnavailableException"/>.
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
        // Not the operation's text as the tag: it names grains and counts, and a metric's tags must stay few.
        PresenceMetrics.StorageFailed("postgres");
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

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();

    public void Dispose() => DataSource.Dispose();

    private static int Seconds(TimeSpan timeout) => Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds));

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL is unavailable ({Operation}); storage calls fail until it returns")]
    private partial void LogUnavailable(Exception exception, string operation);

    [LoggerMessage(Level = LogLevel.Information, Message = "PostgreSQL is reachable again")]
    private partial void LogAvailableAgain();
}
