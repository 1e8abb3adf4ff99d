using System.Globalization;
using Npgsql;

namespace Presence.Orleans.Runtime.AdoNet;

/// <summary>
/// Reminder rows in <c>presence_reminders</c>, with the in-memory table's semantics: upserts always win and
/// get a new version; moving a row to its next due time or removing it can be made conditional on the version
/// (ETag) a delivery read, so a reminder re-registered during its tick is not lost. Polls read by due time
/// through an index.
/// </summary>
internal sealed class PostgresReminderTable(PostgresDatabase database) : IReminderTable
{
    private const string Columns = "grain_type, grain_key, reminder_name, start_at, period, next_due_at, version";

    private const string ReadDueSql =
        $"SELECT {Columns} FROM presence_reminders WHERE next_due_at <= $1 ORDER BY next_due_at, version LIMIT $2";

    private const string ReadRowsSql =
        $"SELECT {Columns} FROM presence_reminders WHERE grain_type = $1 AND grain_key = $2 ORDER BY reminder_name";

    private const string ReadRowSql =
        $"SELECT {Columns} FROM presence_reminders WHERE grain_type = $1 AND grain_key = $2 AND reminder_name = $3";

    private const string UpsertSql =
        "INSERT INTO presence_reminders (grain_type, grain_key, reminder_name, start_at, period, next_due_at, grain_hash) " +
        "VALUES ($1, $2, $3, $4, $5, $6, $7) " +
        "ON CONFLICT (grain_type, grain_key, reminder_name) DO UPDATE SET start_at = EXCLUDED.start_at, period = EXCLUDED.period, " +
        "next_due_at = EXCLUDED.next_due_at, grain_hash = EXCLUDED.grain_hash, version = nextval('presence_reminder_version') " +
        "RETURNING version";

    private const string UpdateDueSql =
        "UPDATE presence_reminders SET next_due_at = $4, version = nextval('presence_reminder_version') " +
        "WHERE grain_type = $1 AND grain_key = $2 AND reminder_name = $3 AND version = $5 RETURNING version";

    private const string RemoveSql =
        "DELETE FROM presence_reminders WHERE grain_type = $1 AND grain_key = $2 AND reminder_name = $3";

    private const string RemoveIfSql = RemoveSql + " AND version = $4";

    public Task InitAsync(CancellationToken cancellationToken) => database.EnsureSchemaAsync(cancellationToken);

    public async Task<IReadOnlyList<ReminderEntry>> ReadDueAsync(DateTimeOffset dueBy, int limit, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = database.DataSource.CreateCommand(ReadDueSql);
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = dueBy.ToUniversalTime() });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = limit });
            return await ReadEntriesAsync(command, cancellationToken);
        }
        catch (Exception exception) when (PostgresDatabase.IsUnavailable(exception, cancellationToken))
        {
            throw database.Unavailable(exception, "reading due reminders");
        }
    }

    public async Task<IReadOnlyList<ReminderEntry>> ReadRowsAsync(GrainId grainId, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = Command(ReadRowsSql, grainId, reminderName: null);
            return await ReadEntriesAsync(command, cancellationToken);
        }
        catch (Exception exception) when (PostgresDatabase.IsUnavailable(exception, cancellationToken))
        {
            throw database.Unavailable(exception, $"reading reminders of {grainId}");
        }
    }

    public async Task<ReminderEntry?> ReadRowAsync(GrainId grainId, string reminderName, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = Command(ReadRowSql, grainId, reminderName);
            var rows = await ReadEntriesAsync(command, cancellationToken);
            return rows.Count == 0 ? null : rows[0];
        }
        catch (Exception exception) when (PostgresDatabase.IsUnavailable(exception, cancellationToken))
        {
            throw database.Unavailable(exception, $"reading reminder {reminderName} of {grainId}");
        }
    }

    public async Task<string> UpsertRowAsync(ReminderEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = Command(UpsertSql, entry.GrainId, entry.ReminderName);
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = entry.StartAt.ToUniversalTime() });
            command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = entry.Period });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = entry.NextDueAt.ToUniversalTime() });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = GrainHash.Compute(entry.GrainId) });
            var version = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
            database.Succeeded();
            return Format(version);
        }
        catch (Exception exception) when (PostgresDatabase.IsUnavailable(exception, cancellationToken))
        {
            throw database.Unavailable(exception, $"writing reminder {entry.ReminderName} of {entry.GrainId}");
        }
    }

    public async Task<string?> TryUpdateDueAsync(ReminderEntry entry, DateTimeOffset nextDueAt, CancellationToken cancellationToken)
    {
        if (entry.ETag is null || !TryParse(entry.ETag, out var expected))
            return null;
        try
        {
            await using var command = Command(UpdateDueSql, entry.GrainId, entry.ReminderName);
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = nextDueAt.ToUniversalTime() });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = expected });
            var version = (long?)await command.ExecuteScalarAsync(cancellationToken);
            database.Succeeded();
            return version is { } v ? Format(v) : null;
        }
        catch (Exception exception) when (PostgresDatabase.IsUnavailable(exception, cancellationToken))
        {
            throw database.Unavailable(exception, $"moving reminder {entry.ReminderName} of {entry.GrainId}");
        }
    }

    public async Task<bool> RemoveRowAsync(GrainId grainId, string reminderName, string? eTag, CancellationToken cancellationToken)
    {
        long expected = 0;
        if (eTag is not null && !TryParse(eTag, out expected))
            return false;
        try
        {
            await using var command = Command(eTag is null ? RemoveSql : RemoveIfSql, grainId, reminderName);
            if (eTag is not null)
                command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = expected });
            var removed = await command.ExecuteNonQueryAsync(cancellationToken) > 0;
            database.Succeeded();
            return removed;
        }
        catch (Exception exception) when (PostgresDatabase.IsUnavailable(exception, cancellationToken))
        {
            throw database.Unavailable(exception, $"removing reminder {reminderName} of {grainId}");
        }
    }

    private NpgsqlCommand Command(string sql, GrainId grainId, string? reminderName)
    {
        var command = database.DataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainId.Type });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainId.Key });
        if (reminderName is not null)
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = reminderName });
        return command;
    }

    private async Task<IReadOnlyList<ReminderEntry>> ReadEntriesAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var entries = new List<ReminderEntry>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                entries.Add(new ReminderEntry(
                    new GrainId(reader.GetString(0), reader.GetString(1)),
                    reader.GetString(2),
                    reader.GetFieldValue<DateTimeOffset>(3),
                    reader.GetFieldValue<TimeSpan>(4),
                    reader.GetFieldValue<DateTimeOffset>(5),
                    Format(reader.GetInt64(6))));
            }
        }
        database.Succeeded();
        return entries;
    }

    private static bool TryParse(string eTag, out long version) =>
        long.TryParse(eTag, NumberStyles.None, CultureInfo.InvariantCulture, out version);

    private static string Format(long version) => version.ToString(CultureInfo.InvariantCulture);
}
