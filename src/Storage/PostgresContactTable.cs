using Npgsql;

namespace Presence.Storage;

/// <summary>
/// Contacts in <c>presence_contacts</c>, both directions per pair. An add takes a transaction-scoped advisory lock per
/// user (in one order, so two adds never wait on each other in a circle), counts both users' rows and writes both
/// rows: the cap holds under concurrent adds on any silo.
/// </summary>
internal sealed class PostgresContactTable(PostgresDatabase database) : IContactTable
{
    private const string ReadSql = "SELECT friend FROM presence_contacts WHERE app = $1 AND owner = $2";

    private const string LockSql = "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))";

    private const string CountSql =
        "SELECT EXISTS (SELECT 1 FROM presence_contacts WHERE app = $1 AND owner = $2 AND friend = $3), " +
        "(SELECT count(*) FROM presence_contacts WHERE app = $1 AND owner = $2), " +
        "(SELECT count(*) FROM presence_contacts WHERE app = $1 AND owner = $3)";

    private const string InsertSql =
        "INSERT INTO presence_contacts (app, owner, friend) VALUES ($1, $2, $3), ($1, $3, $2) ON CONFLICT DO NOTHING";

    private const string RemoveSql =
        "DELETE FROM presence_contacts WHERE app = $1 AND ((owner = $2 AND friend = $3) OR (owner = $3 AND friend = $2))";

    private const string RemoveAllSql =
        "DELETE FROM presence_contacts WHERE app = $1 AND (owner = $2 OR friend = $2) " +
        "RETURNING CASE WHEN owner = $2 THEN friend ELSE owner END";

    public async Task<IReadOnlyList<string>> ReadAsync(string app, string owner, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = database.DataSource.CreateCommand(ReadSql);
            command.Parameters.Add(P(app));
            command.Parameters.Add(P(owner));
            var friends = new List<string>();
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                    friends.Add(reader.GetString(0));
            }
            database.Succeeded();
            return friends;
        }
        catch (Exception exception) when (StorageErrors.MustTranslate(exception))
        {
            throw database.Translate(exception, $"reading the contacts of {app}/{owner}");
        }
    }

    public async Task<ContactWrite> AddAsync(string app, string owner, string friend, int maxContacts, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var batch = new NpgsqlBatch(connection, transaction))
            {
                foreach (var user in new[] { owner, friend }.Order(StringComparer.Ordinal))
                {
                    var lockUser = new NpgsqlBatchCommand(LockSql);
                    lockUser.Parameters.Add(P($"presence_contacts/{app}/{user}"));
                    batch.BatchCommands.Add(lockUser);
                }
                var count = new NpgsqlBatchCommand(CountSql);
                count.Parameters.Add(P(app));
                count.Parameters.Add(P(owner));
                count.Parameters.Add(P(friend));
                batch.BatchCommands.Add(count);
                await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
                // Skip the locks' result sets to the counts.
                while (reader.FieldCount != 3 || !await reader.ReadAsync(cancellationToken))
                    await reader.NextResultAsync(cancellationToken);
                var exists = reader.GetBoolean(0);
                var ownerCount = reader.GetInt64(1);
                var friendCount = reader.GetInt64(2);
                await reader.DisposeAsync();
                if (exists)
                    return ContactWrite.Exists;
                if (ownerCount >= maxContacts)
                    return ContactWrite.OwnerFull;
                if (friendCount >= maxContacts)
                    return ContactWrite.FriendFull;
            }
            await using (var insert = new NpgsqlCommand(InsertSql, connection, transaction))
            {
                insert.Parameters.Add(P(app));
                insert.Parameters.Add(P(owner));
                insert.Parameters.Add(P(friend));
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            database.Succeeded();
            return ContactWrite.Added;
        }
        catch (Exception exception) when (StorageErrors.MustTranslate(exception))
        {
            throw database.Translate(exception, $"adding contact {app}/{owner} ↔ {friend}");
        }
    }

    public async Task<bool> RemoveAsync(string app, string owner, string friend, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = database.DataSource.CreateCommand(RemoveSql);
            command.Parameters.Add(P(app));
            command.Parameters.Add(P(owner));
            command.Parameters.Add(P(friend));
            var rows = await command.ExecuteNonQueryAsync(cancellationToken);
            database.Succeeded();
            return rows > 0;
        }
        catch (Exception exception) when (StorageErrors.MustTranslate(exception))
        {
            throw database.Translate(exception, $"removing contact {app}/{owner} ↔ {friend}");
        }
    }

    public async Task<IReadOnlyList<string>> RemoveAllAsync(string app, string user, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = database.DataSource.CreateCommand(RemoveAllSql);
            command.Parameters.Add(P(app));
            command.Parameters.Add(P(user));
            var friends = new HashSet<string>(StringComparer.Ordinal);
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                    friends.Add(reader.GetString(0));
            }
            database.Succeeded();
            return [.. friends];
        }
        catch (Exception exception) when (StorageErrors.MustTranslate(exception))
        {
            throw database.Translate(exception, $"removing every contact of {app}/{user}");
        }
    }

    private static NpgsqlParameter<string> P(string value) => new() { TypedValue = value };
}
