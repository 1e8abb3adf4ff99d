namespace Presence.Storage;

/// <summary>
/// Settings of the PostgreSQL providers, bound from <c>Presence:Storage:Postgres</c>. The timeouts replace
/// any <c>Timeout</c>/<c>Command Timeout</c> in the connection string: they are what makes an outage answer
/// within seconds instead of hanging on Npgsql's defaults (15 s to connect, 30 s per command).
/// </summary>
public sealed class PostgresPersistenceOptions
{
    public const string SectionName = "Presence:Storage:Postgres";

    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(3);
    public static readonly TimeSpan DefaultCommandTimeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan DefaultBulkCommandTimeout = TimeSpan.FromSeconds(60);
    public const int DefaultBulkThreshold = 1000;

    /// <summary>Npgsql connection string; <c>AddPostgresDatabase</c> sets it (from <c>ConnectionStrings:Presence</c>).</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>How long opening a connection may take (whole seconds, at least 1).</summary>
    public TimeSpan ConnectTimeout { get; set; } = DefaultConnectTimeout;

    /// <summary>How long one command may run (whole seconds, at least 1); past it the call fails as unavailable.</summary>
    public TimeSpan CommandTimeout { get; set; } = DefaultCommandTimeout;

    /// <summary>Timeout of subscription batches of more than <see cref="BulkThreshold"/> rows (loading or writing a huge watcher set).</summary>
    public TimeSpan BulkCommandTimeout { get; set; } = DefaultBulkCommandTimeout;

    /// <summary>Row count above which a subscription batch uses <see cref="BulkCommandTimeout"/>.</summary>
    public int BulkThreshold { get; set; } = DefaultBulkThreshold;

    /// <summary>Apply the embedded schema scripts at start; turn off when an operator applies them by hand.</summary>
    public bool InitializeSchema { get; set; } = true;
}
