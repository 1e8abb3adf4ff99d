using System.Text.Json.Nodes;
using Npgsql;

namespace Presence.Silo.Tests;

/// <summary>
/// One test's database, read directly (Npgsql) to check what the silo stored. Connections are not pooled:
/// the server is stopped and started under some tests, which would leave dead connections in a pool.
/// </summary>
public sealed class PresenceDatabase(string connectionString)
{
    /// <summary>What the silo gets as <c>ConnectionStrings__Presence</c>.</summary>
    public string ConnectionString { get; } = connectionString;

    /// <summary>Subscription rows of one subscriber (<c>{org}/{app}/{username}</c> keys), as target username → expiry (Unix seconds).</summary>
    public async Task<IReadOnlyDictionary<string, long>> SubscriptionRowsOfAsync(string subscriber) =>
        await ReadMapAsync(
            "SELECT target, expires_at FROM presence_subscriptions WHERE subscriber = $1",
            UserKey(subscriber));

    /// <summary>Subscription rows pointing at one target, as subscriber username → expiry (Unix seconds).</summary>
    public async Task<IReadOnlyDictionary<string, long>> SubscriptionRowsToAsync(string target) =>
        await ReadMapAsync(
            "SELECT subscriber, expires_at FROM presence_subscriptions WHERE target = $1",
            UserKey(target));

    /// <summary>
    /// A user's durable reminders (Orleans' ADO.NET reminder table), as reminder name → first due time (Unix seconds).
    /// Orleans keeps a reminder's start time as registered; the grain re-registers its one-shot reminders to move them.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, long>> RemindersOfAsync(string username) =>
        await ReadMapAsync(
            "SELECT remindername, starttime FROM orleansreminderstable WHERE serviceid = $1 AND grainid = $2",
            ServiceId,
            $"{GrainType}/{UserKey(username)}");

    /// <summary>
    /// A user's grain state as the silo's default grain storage (ours, with group commit) holds it: the System.Text.Json
    /// payload and the row's version (the ETag); null when the grain never wrote. Reading it does not activate the grain.
    /// </summary>
    public async Task<StoredState?> StateOfAsync(string username)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT payload, version FROM {GrainStateTable} WHERE service_id = $1 AND grain_id = $2",
            connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ServiceId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"{GrainType}/{UserKey(username)}" });
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
            return null;
        var payload = reader.IsDBNull(0) ? null : JsonNode.Parse(reader.GetFieldValue<byte[]>(0));
        var stored = new StoredState(payload, reader.IsDBNull(1) ? null : reader.GetInt64(1));
        Assert.False(await reader.ReadAsync(), $"more than one state row for {username}");
        return stored;
    }

    /// <summary>The table that holds grain state (our group-commit grain storage, the default), for tests that lock it.</summary>
    public const string GrainStateTable = "presence_grain_state";

    /// <summary>The presence grain's type in Orleans grain ids, storage rows and reminders (<c>[GrainType]</c> of UserPresenceGrain).</summary>
    public const string GrainType = "user-presence";

    /// <summary>The presence grain's one reminder, at its earliest durable deadline (subscription expiry, ext grace, connection check).</summary>
    public const string WakeUpReminder = "wake-up";

    /// <summary>What the silos run as <c>Presence:Cluster:ServiceId</c> (the default), which keys state and reminder rows.</summary>
    public const string ServiceId = "presence";

    public static string UserKey(string username) => $"{PresenceClient.Org}/{PresenceClient.App}/{username}";

    private async Task<Dictionary<string, long>> ReadMapAsync(string sql, params string[] parameters)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = parameter });
        var map = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var key = reader.GetString(0);
            var prefix = $"{PresenceClient.Org}/{PresenceClient.App}/";
            map[key.StartsWith(prefix, StringComparison.Ordinal) ? key[prefix.Length..] : key] =
                reader.GetFieldValue<DateTimeOffset>(1).ToUnixTimeSeconds();
        }
        return map;
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var settings = new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false };
        var connection = new NpgsqlConnection(settings.ConnectionString);
        try
        {
            await connection.OpenAsync();
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}

/// <summary>One grain state row: its JSON payload and its version (Orleans' ETag).</summary>
public sealed record StoredState(JsonNode? Payload, long? Version)
{
    /// <summary>A top-level property of the payload, whatever the serializer's casing.</summary>
    public JsonNode? this[string property] =>
        Payload?.AsObject().FirstOrDefault(p => string.Equals(p.Key, property, StringComparison.OrdinalIgnoreCase)).Value;
}
