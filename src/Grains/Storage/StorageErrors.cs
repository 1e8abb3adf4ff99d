using System.Data.Common;

namespace Presence.Orleans.Grains;

/// <summary>Tells a storage outage (the database cannot be reached or did not answer) from everything else.</summary>
internal static class StorageErrors
{
    /// <summary>
    /// True when <paramref name="exception"/> is an outage not yet said as <see cref="StorageUnavailableException"/> at the
    /// top: it or one of its inner exceptions is a database failure, or a <see cref="StorageUnavailableException"/> that
    /// something wrapped (Orleans' own state bridge wraps every exception of a storage provider in an <c>OrleansException</c>;
    /// <see cref="InlinePersistentState{TState}"/> passes them as thrown).
    /// Version conflicts (Orleans' <c>InconsistentStateException</c>) and bugs are not outages.
    /// </summary>
    public static bool IsUnavailable(Exception exception)
    {
        if (exception is StorageUnavailableException)
            return false; // already said; let it through unchanged
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is StorageUnavailableException or DbException || PostgresDatabase.IsUnavailable(current, CancellationToken.None))
                return true;
        }
        return false;
    }
}
