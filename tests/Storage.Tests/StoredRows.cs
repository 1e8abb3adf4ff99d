using System.Text;
using System.Text.Json;
using Npgsql;
using Orleans.Runtime;

namespace Presence.Storage.Tests;

/// <summary>What a cluster left in PostgreSQL, read with plain SQL from the tables Orleans' providers and ours write.</summary>
internal sealed class StoredRows(string connectionString, string serviceId) : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(connectionString);

    /// <summary>
    /// The grain state record of <paramref name="grain"/>, from whichever grain storage wrote it: ours
    /// (<c>presence_grain_state</c>, the default) or Orleans' ADO.NET one (<c>orleansstorage</c>); null when there is none.
    /// </summary>
    public async Task<StoredState?> ReadStateAsync(GrainId grain)
    {
        await using var command = _dataSource.CreateCommand(
            "SELECT 'presence_grain_state', version, payload FROM presence_grain_state WHERE service_id = $1 AND grain_id = $2 " +
            "UNION ALL " +
            "SELECT 'orleansstorage', version, payloadbinary FROM orleansstorage WHERE serviceid = $1 AND grainidextensionstring = $3");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = serviceId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grain.ToString() });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grain.Key.ToString() });
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
            return null;
        var state = new StoredState(reader.GetString(0), reader.GetInt64(1), JsonDocument.Parse(Encoding.UTF8.GetString(reader.GetFieldValue<byte[]>(2))).RootElement.Clone());
        Assert.False(await reader.ReadAsync(), $"one state record per grain, found more for {grain}");
        return state;
    }

    /// <summary>Names of the reminders of <paramref name="grain"/> in <c>orleansreminderstable</c>.</summary>
    public async Task<List<string>> ReadReminderNamesAsync(GrainId grain)
    {
        await using var command = _dataSource.CreateCommand(
            "SELECT remindername FROM orleansreminderstable WHERE serviceid = $1 AND grainid = $2 ORDER BY remindername");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = serviceId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grain.ToString() });
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            names.Add(reader.GetString(0));
        return names;
    }

    /// <summary>Targets (user keys) <paramref name="subscriber"/> watches, from <c>presence_subscriptions</c>, in order.</summary>
    public async Task<List<string>> ReadSubscriptionTargetsAsync(UserKey subscriber)
    {
        await using var command = _dataSource.CreateCommand(
            "SELECT target FROM presence_subscriptions WHERE subscriber = $1 ORDER BY target COLLATE \"C\"");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = subscriber.ToString() });
        var targets = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            targets.Add(reader.GetString(0));
        return targets;
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}

/// <summary>One grain state row: the table it is in, its version (the ETag) and the JSON state.</summary>
internal sealed record StoredState(string Table, long ETag, JsonElement State)
{
    /// <summary>A top-level property of the state, whatever casing the serializer chose.</summary>
    public JsonElement Property(string name) =>
        State.EnumerateObject().FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)).Value;
}
