using Npgsql;

namespace Presence.Storage;

/// <summary>
/// Subscription rows in <c>presence_subscriptions</c>, keyed by (subscriber, target) and indexed by target.
/// A write sends its deletes and upserts as arrays in one batch: one round trip whatever the row count, and
/// all or nothing (a batch without an explicit transaction runs in one implicit transaction).
/// Grains call it directly: no Npgsql exception leaves it (<see cref="PostgresDatabase.Translate"/>).
/// </summary>
internal sealed class PostgresSubscriptionTable(PostgresDatabase database) : ISubscriptionTable
{
    private const string ReadBySubscriberSql =
        "SELECT subscriber, target, expires_at FROM presence_subscriptions WHERE subscriber = $1";

    private const string ReadByTargetSql =
        "SELECT subscriber, target, expires_at FROM presence_subscriptions WHERE target = $1";

    private const string DeleteSql =
        "DELETE FROM presence_subscriptions s USING unnest($1::text[], $2::text[]) AS d(subscriber, target) " +
        "WHERE s.subscriber = d.subscriber AND s.target = d.target";

    private const string UpsertSql =
        "INSERT INTO presence_subscriptions (subscriber, target, expires_at) " +
        "SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[]) " +
        "ON CONFLICT (subscriber, target) DO UPDATE SET expires_at = EXCLUDED.expires_at";

    public Task<IReadOnlyList<SubscriptionRow>> ReadBySubscriberAsync(string subscriber, CancellationToken cancellationToken) =>
        ReadAsync(ReadBySubscriberSql, subscriber, "subscriber", cancellationToken);

    public Task<IReadOnlyList<SubscriptionRow>> ReadByTargetAsync(string target, CancellationToken cancellationToken) =>
        ReadAsync(ReadByTargetSql, target, "target", cancellationToken);

    public async Task WriteAsync(IReadOnlyCollection<SubscriptionRow> upserts, IReadOnlyCollection<SubscriptionKey> deletes, CancellationToken cancellationToken)
    {
        // In memory, deletes apply first and then upserts, the last upsert of a key winning. Folding that here
        // leaves two disjoint sets, which one INSERT … ON CONFLICT needs (it cannot touch a row twice).
        var rows = new Dictionary<SubscriptionKey, DateTimeOffset>(upserts.Count);
        foreach (var row in upserts)
            rows[new SubscriptionKey(row.Subscriber, row.Target)] = row.ExpiresAt;
        var removed = new HashSet<SubscriptionKey>(deletes.Count);
        foreach (var key in deletes)
        {
            if (!rows.ContainsKey(key))
                removed.Add(key);
        }
        if (rows.Count == 0 && removed.Count == 0)
            return;

        try
        {
            await using var batch = database.DataSource.CreateBatch();
            if (rows.Count + removed.Count > database.Options.BulkThreshold)
                batch.Timeout = database.BulkCommandTimeoutSeconds;
            if (removed.Count > 0)
            {
                // Sorted, so that concurrent batches lock shared rows in the same order.
                var keys = removed.Order(KeyComparer.Instance).ToArray();
                var delete = batch.CreateBatchCommand();
                delete.CommandText = DeleteSql;
                delete.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = keys.Select(k => k.Subscriber).ToArray() });
                delete.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = keys.Select(k => k.Target).ToArray() });
                batch.BatchCommands.Add(delete);
            }
            if (rows.Count > 0)
            {
                var sorted = rows.OrderBy(r => r.Key, KeyComparer.Instance).ToArray();
                var upsert = batch.CreateBatchCommand();
                upsert.CommandText = UpsertSql;
                upsert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = sorted.Select(r => r.Key.Subscriber).ToArray() });
                upsert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = sorted.Select(r => r.Key.Target).ToArray() });
                upsert.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = sorted.Select(r => r.Value.ToUniversalTime()).ToArray() });
                batch.BatchCommands.Add(upsert);
            }
            await batch.ExecuteNonQueryAsync(cancellationToken);
            database.Succeeded();
        }
        catch (Exception exception) when (StorageErrors.MustTranslate(exception))
        {
            throw database.Translate(exception, $"writing {rows.Count} subscriptions and deleting {removed.Count}");
        }
    }

    private async Task<IReadOnlyList<SubscriptionRow>> ReadAsync(string sql, string key, string side, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = database.DataSource.CreateCommand(sql);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
            var rows = new List<SubscriptionRow>();
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                    rows.Add(new SubscriptionRow(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2)));
            }
            database.Succeeded();
            return rows;
        }
        catch (Exception exception) when (StorageErrors.MustTranslate(exception))
        {
            throw database.Translate(exception, $"reading subscriptions by {side} {key}");
        }
    }

    private sealed class KeyComparer : IComparer<SubscriptionKey>
    {
        public static readonly KeyComparer Instance = new();

        public int Compare(SubscriptionKey x, SubscriptionKey y)
        {
            var bySubscriber = string.CompareOrdinal(x.Subscriber, y.Subscriber);
            return bySubscriber != 0 ? bySubscriber : string.CompareOrdinal(x.Target, y.Target);
        }
    }
}
