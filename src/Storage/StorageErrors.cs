using System.Net.Sockets;
using Npgsql;

namespace Presence.Storage;

/// <summary>
/// The one rule for storage failures. Every storage component a grain awaits (grain state, subscription rows, reminders)
/// applies it where it returns to its caller, through <see cref="PostgresDatabase.Translate"/>, so that no driver
/// exception leaves it: an outage becomes <see cref="StorageUnavailableException"/>, the one type callers test for.
/// </summary>
internal static class StorageErrors
{
    /// <summary>
    /// Whether <paramref name="exception"/>, or one it wraps (Orleans' ADO.NET code may wrap the driver's), says that
    /// PostgreSQL is out of reach for now and a later retry may succeed: Npgsql's transient errors (a socket or IO failure,
    /// a timeout), a <see cref="TimeoutException"/>, or one of the SQLSTATEs of <see cref="IsUnavailableState"/>.
    /// Not an outage: a cancellation (the caller gave up), an exception already said as <see cref="StorageUnavailableException"/>,
    /// a version conflict (Orleans' <c>InconsistentStateException</c>), and every other database error, such as a syntax
    /// error or a constraint violation: those are bugs.
    /// </summary>
    public static bool IsUnavailable(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case StorageUnavailableException or OperationCanceledException:
                    return false;
                case PostgresException postgres:
                    return IsUnavailableState(postgres.SqlState);
                case NpgsqlException npgsql:
                    // Npgsql says transient when its inner exception is an IOException, SocketException or TimeoutException.
                    return npgsql.IsTransient || npgsql.InnerException is IOException or SocketException or TimeoutException;
                case TimeoutException:
                    return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Whether a storage component must throw something else in place of <paramref name="exception"/>: it is an outage,
    /// or it carries a driver exception, which Orleans cannot serialize (the caller would get a <c>CodecNotFoundException</c>).
    /// </summary>
    public static bool MustTranslate(Exception exception)
    {
        if (IsUnavailable(exception))
            return true;
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is StorageUnavailableException)
                return false;
            if (current is NpgsqlException)
                return true;
        }
        return false;
    }

    /// <summary>
    /// 08: connection exception; 53: insufficient resources (disk full, out of memory, too many connections); 57P01, 57P02,
    /// 57P03: the server is shutting down (administrator or crash) or not yet accepting connections; 57014: a statement the
    /// server cancelled at its statement_timeout, which like our own command timeout means it did not answer in time.
    /// Deadlocks and serialization failures (40P01, 40001) are not outages: the group commit writer retries them one write
    /// at a time, and our other statements touch rows in a fixed order so as not to cause them.
    /// </summary>
    private static bool IsUnavailableState(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal)
        || sqlState.StartsWith("53", StringComparison.Ordinal)
        || sqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
            or PostgresErrorCodes.QueryCanceled;
}
