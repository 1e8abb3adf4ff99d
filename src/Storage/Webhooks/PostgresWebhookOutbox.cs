using System.Text.Json;
using Npgsql;
using Presence.Webhooks;

namespace Presence.Storage;

/// <summary>
/// The webhook outbox in PostgreSQL (Sql/007_webhooks.sql). The grain state writer inserts the rows of a change in the
/// transaction of its state (<see cref="GrainStateWriter"/>); this class serves the sender and the operator: leases,
/// reads in commit order, deletes, the failed storage and each rule's recorded health. No Npgsql exception leaves it.
/// </summary>
internal sealed class PostgresWebhookOutbox(PostgresDatabase database, string serviceId, WebhookOutboxSignal signal) : IWebhookOutbox
{
    /// <summary>Shared with <see cref="GrainStateWriter"/>: the columns an event fills.</summary>
    internal const string InsertColumns = "service_id, rule, app, user_key, event_id, data";

    private const string AppendSql =
        "INSERT INTO presence_webhook_outbox (" + InsertColumns + ") " +
        "SELECT $1, rule, app, user_key, event_id, data FROM unnest($2::text[], $3::text[], $4::text[], $5::uuid[], $6::text[]) " +
        "WITH ORDINALITY AS e(rule, app, user_key, event_id, data, ord) ORDER BY ord";

    private const string LeaseSql =
        "INSERT INTO presence_webhook_rule (service_id, rule, owner, lease_until) VALUES ($1, $2, $3, now() + $4) " +
        "ON CONFLICT (service_id, rule) DO UPDATE SET owner = EXCLUDED.owner, lease_until = EXCLUDED.lease_until " +
        "WHERE presence_webhook_rule.owner = EXCLUDED.owner OR presence_webhook_rule.owner IS NULL " +
        "OR presence_webhook_rule.lease_until IS NULL OR presence_webhook_rule.lease_until < now() " +
        "RETURNING paused";

    private const string ReadSql =
        "SELECT seq, data FROM presence_webhook_outbox WHERE service_id = $1 AND rule = $2 AND seq <> ALL($3) ORDER BY seq LIMIT $4";

    private const string DeleteSql = "DELETE FROM presence_webhook_outbox WHERE seq = ANY($1)";

    private const string MoveToFailedSql =
        "WITH moved AS (DELETE FROM presence_webhook_outbox WHERE seq = ANY($1) RETURNING *) " +
        "INSERT INTO presence_webhook_failed (seq, service_id, rule, app, user_key, event_id, created_at, reason, data) " +
        "SELECT seq, service_id, rule, app, user_key, event_id, created_at, $2, data FROM moved ON CONFLICT (seq) DO NOTHING";

    private const string TrimSql =
        "WITH excess AS (SELECT seq FROM presence_webhook_outbox WHERE service_id = $1 AND rule = $2 ORDER BY seq OFFSET $3), " +
        "moved AS (DELETE FROM presence_webhook_outbox WHERE seq IN (SELECT seq FROM excess) RETURNING *) " +
        "INSERT INTO presence_webhook_failed (seq, service_id, rule, app, user_key, event_id, created_at, reason, data) " +
        "SELECT seq, service_id, rule, app, user_key, event_id, created_at, 'queue full', data FROM moved ON CONFLICT (seq) DO NOTHING";

    private const string CountSql = "SELECT rule, count(*) FROM presence_webhook_outbox WHERE service_id = $1 GROUP BY rule";

    private const string FailedSql =
        "SELECT rule, count(*), min(failed_at), max(failed_at) FROM presence_webhook_failed WHERE service_id = $1 AND app = $2 GROUP BY rule ORDER BY rule";

    private const string RetryFailedSql =
        "WITH moved AS (DELETE FROM presence_webhook_failed WHERE service_id = $1 AND app = $2 RETURNING *) " +
        "INSERT INTO presence_webhook_outbox (service_id, rule, app, user_key, event_id, created_at, data) " +
        "SELECT service_id, rule, app, user_key, event_id, created_at, data FROM moved ORDER BY seq";

    private const string PurgeSql = "DELETE FROM presence_webhook_failed WHERE failed_at < $1";

    private const string PausedSql =
        "INSERT INTO presence_webhook_rule (service_id, rule, paused, resumed_at) VALUES ($1, $2, $3, CASE WHEN $3 THEN NULL ELSE now() END) " +
        "ON CONFLICT (service_id, rule) DO UPDATE SET paused = EXCLUDED.paused, " +
        "resumed_at = COALESCE(EXCLUDED.resumed_at, presence_webhook_rule.resumed_at), " +
        "suspended_until = CASE WHEN EXCLUDED.paused THEN presence_webhook_rule.suspended_until ELSE NULL END, " +
        "failures_in_window = CASE WHEN EXCLUDED.paused THEN presence_webhook_rule.failures_in_window ELSE 0 END";

    private const string ReportSql =
        "UPDATE presence_webhook_rule SET last_success = $3, last_failure = $4, failures_in_window = $5, suspended_until = $6 " +
        "WHERE service_id = $1 AND rule = $2";

    private const string StatusSql =
        "SELECT rule, paused, last_success, last_failure, failures_in_window, suspended_until, owner, resumed_at FROM presence_webhook_rule WHERE service_id = $1";

    public Task AppendAsync(IReadOnlyList<WebhookEvent> events, CancellationToken cancellationToken) =>
        RunAsync("appending webhook events", async () =>
        {
            if (events.Count == 0)
                return;
            await using var command = database.DataSource.CreateCommand(AppendSql);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = serviceId });
            foreach (var parameter in EventParameters(events))
                command.Parameters.Add(parameter);
            await command.ExecuteNonQueryAsync(cancellationToken);
            signal.Set();
        });

    public Task<bool> TryLeaseAsync(string rule, string owner, TimeSpan duration, CancellationToken cancellationToken) =>
        RunAsync("leasing a webhook rule", async () =>
        {
            await using var command = database.DataSource.CreateCommand(LeaseSql);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = serviceId });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = rule });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = owner });
            command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = duration });
            return await command.ExecuteScalarAsync(cancellationToken) is bool;
        });

    public Task<IReadOnlyList<WebhookOutboxEntry>> ReadAsync(string rule, IReadOnlyCollection<long> holding, int max, CancellationToken cancellationToken) =>
        RunAsync("reading the webhook outbox", async () =>
        {
            await using var command = database.DataSource.CreateCommand(ReadSql);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = serviceId });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = rule });
            command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. holding] });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = max });
            var entries = new List<WebhookOutboxEntry>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                entries.Add(new WebhookOutboxEntry(reader.GetInt64(0), Deserialize(reader.GetString(1))));
            return (IReadOnlyList<WebhookOutboxEntry>)entries;
        });

    public Task DeleteAsync(IReadOnlyCollection<long> sequences, CancellationToken cancellationToken) =>
        ExecuteAsync("deleting delivered webhook events", DeleteSql, cancellationToken, new NpgsqlParameter<long[]> { TypedValue = [.. sequences] });

    public Task MoveToFailedAsync(IReadOnlyCollection<long> sequences, string reason, CancellationToken cancellationToken) =>
        ExecuteAsync("storing failed webhook events", MoveToFailedSql, cancellationToken,
            new NpgsqlParameter<long[]> { TypedValue = [.. sequences] }, new NpgsqlParameter<string> { TypedValue = reason });

    public async Task<int> TrimAsync(string rule, int limit, CancellationToken cancellationToken) =>
        await ExecuteAsync("trimming the webhook outbox", TrimSql, cancellationToken,
            new NpgsqlParameter<string> { TypedValue = serviceId }, new NpgsqlParameter<string> { TypedValue = rule }, new NpgsqlParameter<int> { TypedValue = limit });

    public Task<IReadOnlyDictionary<string, long>> CountAsync(CancellationToken cancellationToken) =>
        RunAsync("counting the webhook outbox", async () =>
        {
            await using var command = database.DataSource.CreateCommand(CountSql);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = serviceId });
            var counts = new Dictionary<string, long>(StringComparer.Ordinal);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                counts[reader.GetString(0)] = reader.GetInt64(1);
            return (IReadOnlyDictionary<string, long>)counts;
        });

    public Task<IReadOnlyList<WebhookFailedSummary>> FailedAsync(string org, string app, CancellationToken cancellationToken) =>
        RunAsync("reading failed webhook events", async () =>
        {
            await using var command = database.DataSource.CreateCommand(FailedSql);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = serviceId });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"{org}/{app}" });
            var failed = new List<WebhookFailedSummary>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                failed.Add(new WebhookFailedSummary(reader.GetString(0), reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetFieldValue<DateTimeOffset>(3)));
            return (IReadOnlyList<WebhookFailedSummary>)failed;
        });

    public async Task<int> RetryFailedAsync(string org, string app, CancellationToken cancellationToken)
    {
        var moved = await ExecuteAsync("resending failed webhook events", RetryFailedSql, cancellationToken,
            new NpgsqlParameter<string> { TypedValue = serviceId }, new NpgsqlParameter<string> { TypedValue = $"{org}/{app}" });
        signal.Set();
        return moved;
    }

    public Task<int> PurgeFailedAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        ExecuteAsync("purging failed webhook events", PurgeSql, cancellationToken, new NpgsqlParameter<DateTimeOffset> { TypedValue = before });

    public Task SetPausedAsync(string rule, bool paused, CancellationToken cancellationToken) =>
        ExecuteAsync("pausing a webhook rule", PausedSql, cancellationToken,
            new NpgsqlParameter<string> { TypedValue = serviceId }, new NpgsqlParameter<string> { TypedValue = rule }, new NpgsqlParameter<bool> { TypedValue = paused });

    public Task ReportAsync(WebhookRuleStatus status, CancellationToken cancellationToken) =>
        ExecuteAsync("recording a webhook rule's health", ReportSql, cancellationToken,
            new NpgsqlParameter<string> { TypedValue = serviceId },
            new NpgsqlParameter<string> { TypedValue = status.Rule },
            new NpgsqlParameter<DateTimeOffset?> { TypedValue = status.LastSuccess },
            new NpgsqlParameter<DateTimeOffset?> { TypedValue = status.LastFailure },
            new NpgsqlParameter<int> { TypedValue = status.FailuresInWindow },
            new NpgsqlParameter<DateTimeOffset?> { TypedValue = status.SuspendedUntil });

    public Task<IReadOnlyList<WebhookRuleStatus>> StatusAsync(CancellationToken cancellationToken) =>
        RunAsync("reading webhook rules", async () =>
        {
            await using var command = database.DataSource.CreateCommand(StatusSql);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = serviceId });
            var rules = new List<WebhookRuleStatus>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rules.Add(new WebhookRuleStatus
                {
                    Rule = reader.GetString(0),
                    Paused = reader.GetBoolean(1),
                    LastSuccess = reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
                    LastFailure = reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3),
                    FailuresInWindow = reader.GetInt32(4),
                    SuspendedUntil = reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                    Sender = reader.IsDBNull(6) ? null : reader.GetString(6),
                    ResumedAt = reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
                });
            }
            return (IReadOnlyList<WebhookRuleStatus>)rules;
        });

    public Task WaitForEventsAsync(TimeSpan timeout, CancellationToken cancellationToken) => signal.WaitAsync(timeout, cancellationToken);

    /// <summary>The five arrays of an insert of <paramref name="events"/> (rule, app, user, id, data), in their order.</summary>
    internal static NpgsqlParameter[] EventParameters(IReadOnlyList<WebhookEvent> events)
    {
        var rules = new string[events.Count];
        var apps = new string[events.Count];
        var users = new string[events.Count];
        var ids = new Guid[events.Count];
        var data = new string[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            rules[i] = e.Rule;
            apps[i] = e.AppKey;
            users[i] = e.UserKey;
            ids[i] = e.Id;
            data[i] = Serialize(e);
        }
        return
        [
            new NpgsqlParameter<string[]> { TypedValue = rules },
            new NpgsqlParameter<string[]> { TypedValue = apps },
            new NpgsqlParameter<string[]> { TypedValue = users },
            new NpgsqlParameter<Guid[]> { TypedValue = ids },
            new NpgsqlParameter<string[]> { TypedValue = data },
        ];
    }

    internal static string Serialize(WebhookEvent e) => JsonSerializer.Serialize(e, WebhookEventJson.Default.WebhookEvent);

    internal static WebhookEvent Deserialize(string json) =>
        JsonSerializer.Deserialize(json, WebhookEventJson.Default.WebhookEvent) ?? throw new InvalidDataException("An empty webhook event in the outbox.");

    private Task<int> ExecuteAsync(string operation, string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters) =>
        RunAsync(operation, async () =>
        {
            await using var command = database.DataSource.CreateCommand(sql);
            command.Parameters.AddRange(parameters);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        });

    private Task RunAsync(string operation, Func<Task> action) => RunAsync(operation, async () =>
    {
        await action();
        return true;
    });

    private async Task<T> RunAsync<T>(string operation, Func<Task<T>> action)
    {
        try
        {
            var result = await action();
            database.Succeeded();
            return result;
        }
        catch (Exception exception) when (StorageErrors.MustTranslate(exception))
        {
            throw database.Translate(exception, operation);
        }
    }
}
