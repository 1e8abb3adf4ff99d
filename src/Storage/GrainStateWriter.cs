using System.Threading.Channels;
using Npgsql;
using Presence.Grains;
using Presence.Webhooks;

namespace Presence.Storage;

/// <summary>
/// Group commit of grain state rows (<c>presence_grain_state</c>). Callers queue their write and wait; each of a few
/// flushers takes every write queued so far (up to <see cref="GroupCommitOptions.MaxBatchSize"/>) and writes them in
/// one statement, its own transaction, on its own pooled connection. Writes that arrive while the flushers are busy
/// therefore go together in the next transaction, and a lone write goes at once. A caller is answered only after its
/// transaction has committed. Each row is written only if its version is still the one the caller read, so a version
/// conflict fails that write alone (its caller gets <c>null</c>), never the batch.
/// </summary>
internal sealed partial class GrainStateWriter : IAsyncDisposable, IDisposable
{
    /// <summary>
    /// One statement for the whole batch, in one implicit transaction. A write with a version updates the row if its
    /// version is still that one; a write without (the state was never stored) inserts the row unless it exists. Rows
    /// written come back with their new version; a write whose row is absent from the result lost a version conflict.
    /// </summary>
    private const string WriteSql = """
        WITH w AS (
            SELECT * FROM unnest($2::text[], $3::text[], $4::bigint[], $5::bytea[]) AS w(grain_id, state_name, expected, payload)
        ),
        updated AS (
            UPDATE presence_grain_state s
            SET version = s.version + 1, payload = w.payload, modified_at = now()
            FROM w
            WHERE s.service_id = $1 AND s.grain_id = w.grain_id AND s.state_name = w.state_name AND s.version = w.expected
            RETURNING s.grain_id, s.state_name, s.version
        ),
        inserted AS (
            INSERT INTO presence_grain_state (service_id, grain_id, state_name, version, payload)
            SELECT $1, grain_id, state_name, 1, payload FROM w WHERE expected IS NULL
            ON CONFLICT DO NOTHING
            RETURNING grain_id, state_name, version
        )
        SELECT grain_id, state_name, version FROM updated
        UNION ALL
        SELECT grain_id, state_name, version FROM inserted
        """;

    /// <summary>
    /// <see cref="WriteSql"/> with the webhook outbox: the events of each write are inserted by the same statement, so in
    /// the same transaction, and only for rows that were written (a write that lost its version conflict adds none), in
    /// the order given. Used only by batches that carry events: a deployment without webhooks runs the plain statement.
    /// </summary>
    private const string WriteWithOutboxSql = """
        WITH w AS (
            SELECT * FROM unnest($2::text[], $3::text[], $4::bigint[], $5::bytea[]) AS w(grain_id, state_name, expected, payload)
        ),
        updated AS (
            UPDATE presence_grain_state s
            SET version = s.version + 1, payload = w.payload, modified_at = now()
            FROM w
            WHERE s.service_id = $1 AND s.grain_id = w.grain_id AND s.state_name = w.state_name AND s.version = w.expected
            RETURNING s.grain_id, s.state_name, s.version
        ),
        inserted AS (
            INSERT INTO presence_grain_state (service_id, grain_id, state_name, version, payload)
            SELECT $1, grain_id, state_name, 1, payload FROM w WHERE expected IS NULL
            ON CONFLICT DO NOTHING
            RETURNING grain_id, state_name, version
        ),
        written AS (
            SELECT grain_id, state_name, version FROM updated
            UNION ALL
            SELECT grain_id, state_name, version FROM inserted
        ),
        outbox AS (
            INSERT INTO presence_webhook_outbox (service_id, rule, app, user_key, event_id, data)
            SELECT $1, e.rule, e.app, e.user_key, e.event_id, e.data
            FROM unnest($6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::uuid[], $12::text[])
                WITH ORDINALITY AS e(grain_id, state_name, rule, app, user_key, event_id, data, ord)
            WHERE EXISTS (SELECT 1 FROM written x WHERE x.grain_id = e.grain_id AND x.state_name = e.state_name)
            ORDER BY e.ord
        )
        SELECT grain_id, state_name, version FROM written
        """;

    private readonly PostgresDatabase _database;
    private readonly WebhookOutboxSignal? _webhooks;
    private readonly string _serviceId;
    private readonly int _maxBatchSize;
    private readonly ILogger _logger;
    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>();
    private readonly Task[] _flushers;
    private long _batches;
    private long _writes;

    public GrainStateWriter(
        PostgresDatabase database, string serviceId, GroupCommitOptions options, ILogger<GrainStateWriter> logger, WebhookOutboxSignal? webhooks = null)
    {
        _webhooks = webhooks;
        _database = database;
        _serviceId = serviceId;
        _maxBatchSize = options.MaxBatchSize;
        _logger = logger;
        // The flushers belong to no grain and no request: no execution context (activity, grain context) flows into them.
        using (ExecutionContext.SuppressFlow())
            _flushers = Enumerable.Range(0, options.Flushers).Select(_ => Task.Run(FlushLoopAsync)).ToArray();
    }

    /// <summary>Transactions committed or attempted so far (tests and diagnostics: batches form when this is below <see cref="Writes"/>).</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Writes taken into a transaction so far.</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>
    /// Writes one state row once its transaction committed: the row's new version, or null when the stored version was
    /// not <paramref name="expectedVersion"/> (null: the row must not exist yet). An outage fails with
    /// <see cref="StorageUnavailableException"/>; no Npgsql exception reaches the caller (<see cref="PostgresDatabase.Translate"/>).
    /// </summary>
    /// <param name="webhooks">Webhook events committed with this row (into <c>presence_webhook_outbox</c>) if and only if it is written.</param>
    public Task<long?> WriteAsync(string grainId, string stateName, long? expectedVersion, byte[] payload, IReadOnlyList<WebhookEvent>? webhooks = null)
    {
        var write = new PendingWrite(new StateKey(grainId, stateName), expectedVersion, payload, webhooks is { Count: > 0 } ? webhooks : null);
        if (!_queue.Writer.TryWrite(write))
            throw new ObjectDisposedException(nameof(GrainStateWriter), "The grain storage is shut down.");
        return write.Task;
    }

    private async Task FlushLoopAsync()
    {
        var batch = new List<PendingWrite>(_maxBatchSize);
        var keys = new HashSet<StateKey>();
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < _maxBatchSize && _queue.Reader.TryRead(out var write))
            {
                // One grain writes one state at a time, so this does not happen; if it did, the earlier write commits first.
                if (!keys.Add(write.Key))
                {
                    await FlushAsync(batch);
                    batch.Clear();
                    keys.Clear();
                    keys.Add(write.Key);
                }
                batch.Add(write);
            }
            if (batch.Count > 0)
                await FlushAsync(batch);
            batch.Clear();
            keys.Clear();
        }
    }

    /// <summary>Writes one batch and answers each of its callers; never throws.</summary>
    private async Task FlushAsync(List<PendingWrite> batch)
    {
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _writes, batch.Count);
        Dictionary<StateKey, long> written;
        try
        {
            written = await ExecuteAsync(batch);
            _database.Succeeded();
        }
        catch (Exception exception) when (StorageErrors.IsUnavailable(exception))
        {
            // One exception per caller: one object thrown to many awaiters at once would have its stack trace written by all.
            var unavailable = _database.Unavailable(exception, $"writing the state of {batch.Count} grains");
            foreach (var write in batch)
                write.Fail(new StorageUnavailableException(unavailable.Message));
            return;
        }
        catch (Exception exception) when (batch.Count > 1)
        {
            // Not an outage (a deadlock with another silo's duplicate activation, a bug): one write at a time, so that
            // only the write at fault fails.
            LogBatchSplit(exception, batch.Count);
            foreach (var write in batch)
                await FlushAsync([write]);
            return;
        }
        catch (Exception exception)
        {
            batch[0].Fail(StorageErrors.MustTranslate(exception) ? _database.Translate(exception, $"writing the state of {batch[0].Key.GrainId}") : exception);
            return;
        }
        foreach (var write in batch)
            write.Complete(written.TryGetValue(write.Key, out var version) ? version : null);
        if (_webhooks is not null && batch.Exists(static w => w.Webhooks is not null))
            _webhooks.Set(); // this silo's sender need not wait for its next poll
    }

    private async Task<Dictionary<StateKey, long>> ExecuteAsync(List<PendingWrite> batch)
    {
        var count = batch.Count;
        var grainIds = new string[count];
        var stateNames = new string[count];
        var expected = new long?[count];
        var payloads = new byte[count][];
        List<WebhookEvent>? events = null;
        List<string>? eventGrains = null;
        List<string>? eventStates = null;
        for (var i = 0; i < count; i++)
        {
            var write = batch[i];
            grainIds[i] = write.Key.GrainId;
            stateNames[i] = write.Key.StateName;
            expected[i] = write.ExpectedVersion;
            payloads[i] = write.Payload;
            foreach (var e in write.Webhooks ?? [])
            {
                (events ??= []).Add(e);
                (eventGrains ??= []).Add(write.Key.GrainId);
                (eventStates ??= []).Add(write.Key.StateName);
            }
        }
        var statement = new NpgsqlBatchCommand(events is null ? WriteSql : WriteWithOutboxSql)
        {
            Parameters =
            {
                new NpgsqlParameter<string> { TypedValue = _serviceId },
                new NpgsqlParameter<string[]> { TypedValue = grainIds },
                new NpgsqlParameter<string[]> { TypedValue = stateNames },
                new NpgsqlParameter<long?[]> { TypedValue = expected },
                new NpgsqlParameter<byte[][]> { TypedValue = payloads },
            },
        };
        if (events is not null)
        {
            statement.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. eventGrains!] });
            statement.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. eventStates!] });
            statement.Parameters.AddRange(PostgresWebhookOutbox.EventParameters(events));
        }

        await using var connection = await _database.DataSource.OpenConnectionAsync();
        await using var batchCommand = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                // A plan cached while the table was small (a new database fills it in seconds, long before autovacuum
                // analyzes it) would scan the whole table for every batch: planned afresh each time instead, with the
                // table's current size. Npgsql resets the setting when the connection goes back to the pool.
                new NpgsqlBatchCommand("SET plan_cache_mode = force_custom_plan"),
                statement,
            },
        };
        // Prepared once per pooled connection (Npgsql keeps prepared statements across pool returns): parsed once.
        await batchCommand.PrepareAsync();
        var written = new Dictionary<StateKey, long>(count);
        var reader = await batchCommand.ExecuteReaderAsync();
        try
        {
            while (await reader.ReadAsync())
                written[new StateKey(reader.GetString(0), reader.GetString(1))] = reader.GetInt64(2);
        }
        finally
        {
            // Closing the reader reads up to the server's ReadyForQuery, which PostgreSQL sends only after the implicit
            // transaction committed (and, with synchronous_commit on, its WAL reached the disk). Only then is anyone answered.
            await reader.DisposeAsync();
        }
        return written;
    }

    /// <summary>Stops taking writes and waits until every queued one is answered.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_flushers);
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        Task.WaitAll(_flushers, TimeSpan.FromSeconds(30));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch of {Count} grain state writes failed; writing them one at a time")]
    private partial void LogBatchSplit(Exception exception, int count);

    private readonly record struct StateKey(string GrainId, string StateName);

    private sealed class PendingWrite(StateKey key, long? expectedVersion, byte[] payload, IReadOnlyList<WebhookEvent>? webhooks)
    {
        // Callers continue on their own scheduler, never inline on a flusher (which answers the rest of the batch).
        private readonly TaskCompletionSource<long?> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public StateKey Key { get; } = key;

        public long? ExpectedVersion { get; } = expectedVersion;

        public byte[] Payload { get; } = payload;

        public IReadOnlyList<WebhookEvent>? Webhooks { get; } = webhooks;

        public Task<long?> Task => _answer.Task;

        public void Complete(long? version) => _answer.TrySetResult(version);

        public void Fail(Exception exception) => _answer.TrySetException(exception);
    }
}
