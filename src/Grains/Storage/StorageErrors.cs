using System.Data.Common;

namespace Presence.Orleans.Grains;

/// <summary>Tells a storage outage (the database cannot be reached or did not answer) from everything else.</summary>
internal static class StorageErrors
{
    /// <summary>
    /// True when <paramref name="exception"/> or one of its inner exceptions is a database failure that is not yet a
    /// <see cref="StorageUnavailableException"/>. Version conflicts (Orleans' <c>InconsistentStateException</c>) and
    /// bugs are not outages.
    /// </summary>
    public static bool IsUnavailable(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is StorageUnavailableException)
                return false; // already said; let it through unchanged
            if (current is DbException || PostgresDatabase.IsUnavailable(current, CancellationToken.None))
                return true;
        }
        return false;
    }
}
