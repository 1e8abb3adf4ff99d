using Npgsql;

namespace Presence.Orleans.Silo.Tests;

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

    /// <summary>Due times (Unix seconds) of a user's reminders, by reminder name.</summary>
    public async Task<IReadOnlyDictionary<string, long>> RemindersOfAsync(string username) =>
        await ReadMapAsync(
            "SELECT reminder_name, next_due_at FROM presence_reminders WHERE grain_key = $1",
            UserKey(username));

    public static string UserKey(string username) => $"{PresenceClient.Org}/{PresenceClient.App}/{username}";

    private async Task<Dictionary<string, long>> ReadMapAsync(string sql, string parameter)
    {
        var settings = new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false };
        await using var connection = new NpgsqlConnection(settings.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
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
}
