using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Storage;

namespace Presence.Storage.Tests;

/// <summary>
/// Our grain storage with group commit (<see cref="GroupCommitGrainStorage"/>), as a silo wires it (resolved from a silo's
/// services, which are built but not started), on a real PostgreSQL: Orleans' storage contract (ETags, RecordExists,
/// clear), writes of many grains in one transaction where a version conflict fails only its own write, and outages.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class GroupCommitGrainStorageTests(PostgresFixture fixture, ITestOutputHelper output)
{
    private const string ServiceId = "group-commit-tests";
    private const string StateName = UserPresenceGrain.StateName;

    /// <summary>An outage must answer within this (the defaults are a 3 s connect and 5 s command timeout).</summary>
    private static readonly TimeSpan DetectionBound = TimeSpan.FromSeconds(10);

    private readonly string _run = Guid.NewGuid().ToString("N")[..6];

    [Fact]
    public async Task State_RoundTripsWithItsVersionAsETag_ThroughWriteReadAndClear()
    {
        await using var silo = await SiloServices.StartAsync(await fixture.DatabaseForAsync(GetType()));
        var alice = Grain("alice");

        var unknown = new GrainState<UserPresenceState>();
        await silo.Storage.ReadStateAsync(StateName, alice, unknown);
        Assert.Equal((null, false), (unknown.ETag, unknown.RecordExists));
        Assert.NotNull(unknown.State);

        var written = new GrainState<UserPresenceState>(new UserPresenceState { Ext = "hello", Version = 7 });
        await silo.Storage.WriteStateAsync(StateName, alice, written);
        Assert.Equal(("1", true), (written.ETag, written.RecordExists));
        written.State!.Ext = "again";
        await silo.Storage.WriteStateAsync(StateName, alice, written);
        Assert.Equal("2", written.ETag);

        var read = new GrainState<UserPresenceState>();
        await silo.Storage.ReadStateAsync(StateName, alice, read);
        Assert.Equal(("2", true, "again", 7L), (read.ETag, read.RecordExists, read.State!.Ext, read.State!.Version));
        var stored = await ReadRowAsync(silo, alice);
        Assert.Equal(2, stored!.ETag);
        Assert.Equal("again", stored.Property("Ext").GetString());

        await silo.Storage.ClearStateAsync(StateName, alice, read);
        Assert.Equal(("3", false, ""), (read.ETag, read.RecordExists, read.State!.Ext));
        var cleared = new GrainState<UserPresenceState>();
        await silo.Storage.ReadStateAsync(StateName, alice, cleared);
        Assert.Equal(("3", false, ""), (cleared.ETag, cleared.RecordExists, cleared.State!.Ext));
        // The version moved on: the activation that wrote before the clear is stale now.
        await Assert.ThrowsAsync<InconsistentStateException>(() => silo.Storage.WriteStateAsync(StateName, alice, written));
        cleared.State!.Ext = "after clear";
        await silo.Storage.WriteStateAsync(StateName, alice, cleared);
        Assert.Equal(("4", true), (cleared.ETag, cleared.RecordExists));
    }

    /// <summary>
    /// One flusher, held on a row lock, so that every write queued meanwhile goes in the next transaction together: a
    /// stale ETag and an insert over an existing row fail with <see cref="InconsistentStateException"/>, every other
    /// write of that transaction commits.
    /// </summary>
    [Fact]
    public async Task VersionConflict_FailsOnlyTheConflictingWrites_WhileTheOthersInTheSameBatchCommit()
    {
        var connectionString = await fixture.DatabaseForAsync(GetType());
        await using var silo = await SiloServices.StartAsync(connectionString, new() { ["Presence:Storage:GroupCommit:Flushers"] = "1" });
        var users = Enumerable.Range(0, 10).Select(i => Grain($"user{i}")).ToArray();
        var states = new GrainState<UserPresenceState>[users.Length];
        for (var i = 0; i < users.Length; i++)
        {
            states[i] = new GrainState<UserPresenceState>(new UserPresenceState { Ext = "first" });
            await silo.Storage.WriteStateAsync(StateName, users[i], states[i]);
        }
        // user3's state is written meanwhile by someone else (another activation): states[3] is stale now.
        var other = new GrainState<UserPresenceState>();
        await silo.Storage.ReadStateAsync(StateName, users[3], other);
        other.State!.Ext = "by the other activation";
        await silo.Storage.WriteStateAsync(StateName, users[3], other);
        // And an activation that believes "existing" was never stored.
        var existing = Grain("existing");
        await silo.Storage.WriteStateAsync(StateName, existing, new GrainState<UserPresenceState>(new UserPresenceState { Ext = "first" }));
        var blind = new GrainState<UserPresenceState>(new UserPresenceState { Ext = "blind insert" });
        var newcomer = Grain("newcomer");
        var blocker = Grain("blocker");
        var blockerState = new GrainState<UserPresenceState>(new UserPresenceState { Ext = "blocker" });
        await silo.Storage.WriteStateAsync(StateName, blocker, blockerState);

        await using var session = new NpgsqlConnection(connectionString);
        await session.OpenAsync();
        Task[] batch;
        long batchesBefore;
        await using (var transaction = await session.BeginTransactionAsync())
        {
            await using (var lockRow = new NpgsqlCommand(
                "SELECT 1 FROM presence_grain_state WHERE service_id = $1 AND grain_id = $2 FOR UPDATE", session, transaction))
            {
                lockRow.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ServiceId });
                lockRow.Parameters.Add(new NpgsqlParameter<string> { TypedValue = blocker.ToString() });
                await lockRow.ExecuteNonQueryAsync();
            }
            batchesBefore = silo.Writer.Batches;
            var held = silo.Storage.WriteStateAsync(StateName, blocker, blockerState);
            await Eventually.TrueAsync(() => silo.Writer.Batches == batchesBefore + 1, because: "the flusher to take the blocker's write");

            foreach (var state in states)
                state.State!.Ext = "second";
            batch = [
                .. users.Select((user, i) => silo.Storage.WriteStateAsync(StateName, user, states[i])),
                silo.Storage.WriteStateAsync(StateName, existing, blind),
                silo.Storage.WriteStateAsync(StateName, newcomer, new GrainState<UserPresenceState>(new UserPresenceState { Ext = "new" })),
            ];
            // The one flusher waits on the row lock (PostgreSQL says so), so nothing queued behind it can have gone out.
            await Eventually.TrueAsync(() => AnyBackendWaitsOnALockAsync(connectionString), because: "the blocker's write to wait on the row lock");
            Assert.False(held.IsCompleted);
            Assert.DoesNotContain(batch, t => t.IsCompleted);
            await transaction.CommitAsync();
            await held;
        }
        await Task.WhenAll(batch.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));

        // The blocker's transaction, then one more with the 12 writes queued behind it.
        Assert.Equal(batchesBefore + 2, silo.Writer.Batches);
        for (var i = 0; i < users.Length; i++)
        {
            if (i == 3)
            {
                await Assert.ThrowsAsync<InconsistentStateException>(() => batch[i]);
                Assert.Equal("by the other activation", (await ReadRowAsync(silo, users[i]))!.Property("Ext").GetString());
                continue;
            }
            await batch[i];
            Assert.Equal("2", states[i].ETag);
            Assert.Equal("second", (await ReadRowAsync(silo, users[i]))!.Property("Ext").GetString());
        }
        var blindInsert = await Assert.ThrowsAsync<InconsistentStateException>(() => batch[10]);
        output.WriteLine($"insert over an existing row: {blindInsert.Message}");
        Assert.Null(blind.ETag);
        Assert.Equal("first", (await ReadRowAsync(silo, existing))!.Property("Ext").GetString());
        await batch[11];
        Assert.Equal(1, (await ReadRowAsync(silo, newcomer))!.ETag);
    }

    [Fact]
    public async Task ConcurrentWrites_OfManyGrains_AreAllAcknowledgedAndStored_InFewerTransactionsThanWrites()
    {
        const int Grains = 200, WritesPerGrain = 5;
        await using var silo = await SiloServices.StartAsync(await fixture.DatabaseForAsync(GetType()));
        var (batchesBefore, writesBefore) = (silo.Writer.Batches, silo.Writer.Writes);
        var clock = Stopwatch.StartNew();

        // Each grain writes in turn (as a grain does: the next write after the previous one is answered), all grains at once.
        await Task.WhenAll(Enumerable.Range(0, Grains).Select(i => Task.Run(async () =>
        {
            var state = new GrainState<UserPresenceState>(new UserPresenceState());
            for (var n = 1; n <= WritesPerGrain; n++)
            {
                state.State!.Ext = $"write {n}";
                state.State!.Version = n;
                await silo.Storage.WriteStateAsync(StateName, Grain($"many{i}"), state);
                Assert.Equal(n.ToString(System.Globalization.CultureInfo.InvariantCulture), state.ETag);
            }
        })));

        var batches = silo.Writer.Batches - batchesBefore;
        var writes = silo.Writer.Writes - writesBefore;
        output.WriteLine($"{writes} writes in {batches} transactions ({(double)writes / batches:0.0} per transaction) in {clock.ElapsedMilliseconds} ms");
        Assert.Equal(Grains * WritesPerGrain, writes);
        Assert.True(batches < writes, "writes that arrived while a commit was in flight should have gone together");
        await using var rows = new StoredRows(silo.ConnectionString, ServiceId);
        for (var i = 0; i < Grains; i++)
        {
            var stored = await rows.ReadStateAsync(Grain($"many{i}"));
            Assert.Equal(WritesPerGrain, stored!.ETag);
            Assert.Equal($"write {WritesPerGrain}", stored.Property("Ext").GetString());
        }
    }

    [LocalPostgresFact]
    public async Task QueuedWritesAndReads_FailWithStorageUnavailableQuickly_WhileTheServerIsDown_AndWorkAgainWhenItReturns()
    {
        await using var silo = await SiloServices.StartAsync(await fixture.DatabaseForAsync(GetType()));
        var states = Enumerable.Range(0, 20).Select(_ => new GrainState<UserPresenceState>(new UserPresenceState { Ext = "before" })).ToArray();
        for (var i = 0; i < states.Length; i++)
            await silo.Storage.WriteStateAsync(StateName, Grain($"outage{i}"), states[i]);

        await fixture.Server.StopAsync();
        try
        {
            var clock = Stopwatch.StartNew();
            var writes = states.Select((state, i) =>
            {
                state.State!.Ext = "during";
                return Assert.ThrowsAsync<StorageUnavailableException>(() => silo.Storage.WriteStateAsync(StateName, Grain($"outage{i}"), state));
            }).ToArray();
            await Task.WhenAll(writes);
            output.WriteLine($"{writes.Length} writes while down: StorageUnavailableException, the last after {clock.ElapsedMilliseconds} ms");
            Assert.True(clock.Elapsed < DetectionBound, $"took {clock.Elapsed}");
            Assert.All(states, state => Assert.Equal("1", state.ETag));
            clock.Restart();
            await Assert.ThrowsAsync<StorageUnavailableException>(() => silo.Storage.ReadStateAsync(StateName, Grain("outage0"), new GrainState<UserPresenceState>()));
            Assert.True(clock.Elapsed < DetectionBound, $"took {clock.Elapsed}");
        }
        finally
        {
            await fixture.Server.StartAsync();
        }

        // The same provider, unrestarted; the failed writes left nothing behind.
        for (var i = 0; i < states.Length; i++)
        {
            Assert.Equal("before", (await ReadRowAsync(silo, Grain($"outage{i}")))!.Property("Ext").GetString());
            states[i].State!.Ext = "after";
            await silo.Storage.WriteStateAsync(StateName, Grain($"outage{i}"), states[i]);
            Assert.Equal("2", states[i].ETag);
        }
    }

    private GrainId Grain(string username) => GrainId.Create(UserPresenceGrain.GrainTypeName, $"acme/chat/{username}-{_run}");

    private static async Task<StoredState?> ReadRowAsync(SiloServices silo, GrainId grain)
    {
        await using var rows = new StoredRows(silo.ConnectionString, ServiceId);
        return await rows.ReadStateAsync(grain);
    }

    /// <summary>A silo's services (built, not started: no cluster, no grains) with the schema applied.</summary>
    private sealed class SiloServices : IAsyncDisposable
    {
        private readonly IHost _host;

        private SiloServices(IHost host, string connectionString)
        {
            _host = host;
            ConnectionString = connectionString;
            Storage = host.Services.GetRequiredKeyedService<IGrainStorage>(UserPresenceGrain.StorageName);
        }

        public string ConnectionString { get; }

        public IGrainStorage Storage { get; }

        public GrainStateWriter Writer => ((GroupCommitGrainStorage)Storage).Writer;

        public static async Task<SiloServices> StartAsync(string connectionString, Dictionary<string, string?>? settings = null)
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = Environments.Development });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Presence:Storage:Provider"] = "Postgres",
                ["ConnectionStrings:Presence"] = connectionString,
            });
            builder.Configuration.AddInMemoryCollection(settings ?? []);
            builder.UseOrleans(silo => silo.UseLocalhostClustering(serviceId: ServiceId).AddPresence(builder.Configuration));
            var host = builder.Build();
            await PostgresSchemaInitializer.ApplyAsync(host.Services.GetRequiredService<PostgresDatabase>(), CancellationToken.None);
            return new SiloServices(host, connectionString);
        }

        public async ValueTask DisposeAsync()
        {
            if (_host is IAsyncDisposable disposable)
                await disposable.DisposeAsync();
            else
                _host.Dispose();
        }
    }

    /// <summary>Whether a session of this database waits on a lock (a fresh connection: activity is snapshotted per transaction).</summary>
    private static async Task<bool> AnyBackendWaitsOnALockAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", connection);
        return (long)(await command.ExecuteScalarAsync())! > 0;
    }
}
