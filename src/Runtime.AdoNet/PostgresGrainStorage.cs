using System.Globalization;
using System.Text.Json;
using Npgsql;

namespace Presence.Orleans.Runtime.AdoNet;

/// <summary>
/// Grain state in <c>presence_grain_state</c> with the same contract as the in-memory provider: state is
/// stored as JSON and every write checks the ETag (the row version). The first write inserts only if no row
/// exists; later writes update only the version they read. Zero rows touched means another activation wrote
/// first, which throws <see cref="InconsistentStateException"/> and fences this one.
/// </summary>
internal sealed class PostgresGrainStorage(PostgresDatabase database) : IGrainStorage
{
    private const string ReadSql =
        "SELECT version, payload FROM presence_grain_state WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3";

    private const string InsertSql =
        "INSERT INTO presence_grain_state (grain_type, grain_key, state_name, version, payload) " +
        "VALUES ($1, $2, $3, nextval('presence_grain_state_version'), $4) ON CONFLICT DO NOTHING RETURNING version";

    private const string UpdateSql =
        "UPDATE presence_grain_state SET payload = $4, version = nextval('presence_grain_state_version'), modified_at = now() " +
        "WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3 AND version = $5 RETURNING version";

    private const string DeleteSql =
        "DELETE FROM presence_grain_state WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3 AND version = $4";

    private const string ExistsSql =
        "SELECT version FROM presence_grain_state WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3";

    public Task InitAsync(CancellationToken cancellationToken) => database.EnsureSchemaAsync(cancellationToken);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, GrainState<T> grainState, CancellationToken cancellationToken)
        where T : new()
    {
        try
        {
            await using var command = Command(ReadSql, stateName, grainId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                var version = reader.GetInt64(0);
                var payload = reader.GetFieldValue<byte[]>(1);
                grainState.State = JsonSerializer.Deserialize<T>(payload) ?? new T();
                grainState.ETag = Format(version);
                grainState.RecordExists = true;
            }
            else
            {
                grainState.State = new T();
                grainState.ETag = null;
                grainState.RecordExists = false;
            }
            database.Succeeded();
        }
        catch (Exception exception) when (PostgresDatabase.IsUnavailable(exception, cancellationToken))
        {
            throw database.Unavailable(exception, $"reading {stateName} of {grainId}");
        }
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, GrainState<T> grainState, CancellationToken cancellationToken)
        where T : new()
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(grainState.State);
        long? written;
        try
        {
            if (grainState.ETag is null)
            {
                await using var insert = Command(InsertSql, stateName, grainId);
                insert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = payload });
                written = (long?)await insert.ExecuteScalarAsync(cancellationToken);
            }
            else if (TryParse(grainState.ETag, out var expected))
            {
                await using var update = Command(UpdateSql, stateName, grainId);
                update.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = payload });
                update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = expected });
                written = (long?)await update.ExecuteScalarAsync(cancellationToken);
            }
            else
            {
                written = null;
            }
            database.Succeeded();
        }
        catch (Exception exception) when (PostgresDatabase.IsUnavailable(exception, cancellationToken))
        {
            throw database.Unavailable(exception, $"writing {stateName} of {grainId}");
        }
        if (written is not { } version)
        {
            throw new InconsistentStateException(
                $"Stale write of {stateName} for {grainId}: written {grainState.ETag ?? "none"}, but the stored record changed.",
                storedETag: null,
                currentETag: grainState.ETag);
        }
        grainState.ETag = Format(version);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, GrainState<T> grainState, CancellationToken cancellationToken)
        where T : new()
    {
        string? stored = null;
        bool cleared;
        try
        {
            if (grainState.ETag is null)
            {
                // Nothing to delete is a success only if there really is no record (as in memory).
                await using var exists = Command(ExistsSql, stateName, grainId);
                var version = (long?)await exists.ExecuteScalarAsync(cancellationToken);
                stored = version is { } v ? Format(v) : null;
                cleared = version is null;
            }
            else if (TryParse(grainState.ETag, out var expected))
            {
                await using var delete = Command(DeleteSql, stateName, grainId);
                delete.Parameters.Add(new NpgsqlParameter<long> { TypedValue = expected });
                cleared = await delete.ExecuteNonQueryAsync(cancellationToken) == 1;
            }
            else
            {
                cleared = false;
            }
            database.Succeeded();
        }
        catch (Exception exception) when (PostgresDatabase.IsUnavailable(exception, cancellationToken))
        {
            throw database.Unavailable(exception, $"clearing {stateName} of {grainId}");
        }
        if (!cleared)
            throw new InconsistentStateException($"Stale clear of {stateName} for {grainId}.", stored, grainState.ETag);
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    private NpgsqlCommand Command(string sql, string stateName, GrainId grainId)
    {
        var command = database.DataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainId.Type });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainId.Key });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stateName });
        return command;
    }

    private static bool TryParse(string eTag, out long version) =>
        long.TryParse(eTag, NumberStyles.None, CultureInfo.InvariantCulture, out version);

    private static string Format(long version) => version.ToString(CultureInfo.InvariantCulture);
}
