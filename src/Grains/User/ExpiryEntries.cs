namespace Presence.Grains;

/// <summary>Username → expiry (Unix seconds) maps, as both ends of a user's subscriptions keep them.</summary>
internal static class ExpiryEntries
{
    /// <summary>Entries whose expiry is after <paramref name="now"/>, ordered by uid: an entry is gone at its expiry second.</summary>
    public static List<SubscriptionEntry> LiveSorted(Dictionary<string, long>? entries, long now)
    {
        var live = new List<SubscriptionEntry>(entries?.Count ?? 0);
        foreach (var (uid, expiresAt) in entries ?? [])
        {
            if (expiresAt > now)
                live.Add(new SubscriptionEntry(uid, expiresAt));
        }
        live.Sort(static (a, b) => string.CompareOrdinal(a.Uid, b.Uid));
        return live;
    }

    /// <summary>
    /// The rows' other ends in the app of <paramref name="appPrefix"/> (<c>{org}/{app}/</c>) → expiry, for rows expiring
    /// after <paramref name="liveAfter"/>; null when there are none (most users watch and are watched by nobody).
    /// </summary>
    public static Dictionary<string, long>? FromRows(
        IReadOnlyList<SubscriptionRow> rows, Func<SubscriptionRow, string> otherEnd, string appPrefix, long liveAfter)
    {
        Dictionary<string, long>? map = null;
        foreach (var row in rows)
        {
            var key = otherEnd(row);
            var expiresAt = row.ExpiresAt.ToUnixTimeSeconds();
            if (expiresAt > liveAfter && key.StartsWith(appPrefix, StringComparison.Ordinal))
                (map ??= new(rows.Count, StringComparer.Ordinal))[key[appPrefix.Length..]] = expiresAt;
        }
        return map;
    }

    /// <summary>A username as every map keys it: lower-case.</summary>
    public static string Normalize(string username)
    {
        ArgumentNullException.ThrowIfNull(username);
        return username.ToLowerInvariant();
    }
}
