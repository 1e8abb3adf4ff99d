using System.Reflection;
using Npgsql;

namespace Presence.Storage.Tests;

/// <summary>The shipped scripts: idempotent, complete for Orleans' ADO.NET providers, and safe for silos that start together.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresSchemaTests(PostgresFixture fixture, ITestOutputHelper output)
{
    private static readonly string[] Tables = ["orleansquery", "orleansmembershipversiontable", "orleansmembershiptable", "orleansstorage", "orleansreminderstable", "presence_accounts", "presence_contacts", "presence_grain_state", "presence_subscriptions", "presence_webhook_failed", "presence_webhook_outbox", "presence_webhook_rule"];

    [Fact]
    public async Task Scripts_ApplyOnAnEmptyDatabase_AndAgainWithoutChangingAnything()
    {
        await using var services = await PostgresServices.StartAsync(await fixture.CreateDatabaseAsync("schema_twice"), applySchema: false);
        Assert.Empty(await ExistingTablesAsync(services.Database));

        await PostgresSchemaInitializer.ApplyAsync(services.Database, CancellationToken.None);
        var tables = await ExistingTablesAsync(services.Database);
        var queries = await QueriesAsync(services.Database);
        await PostgresSchemaInitializer.ApplyAsync(services.Database, CancellationToken.None);

        Assert.Equal(Tables.Order(StringComparer.Ordinal), tables);
        Assert.Equal(tables, await ExistingTablesAsync(services.Database));
        Assert.Equal(queries, await QueriesAsync(services.Database));
    }

    [Fact]
    public async Task ShippedScripts_ApplyByHandWithPsql_Twice_AndMatchTheEmbeddedOnes()
    {
        var database = await fixture.Server.CreateDatabaseNameAsync("schema_by_hand");
        var scripts = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Sql"), "*.sql").Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(PostgresSchema.Scripts.Select(s => s.Name), scripts.Select(Path.GetFileName));

        for (var round = 0; round < 2; round++)
        {
            foreach (var script in scripts)
                await fixture.Server.RunSqlFileAsync(script, database);
        }

        // An operator's copy and the silo's embedded copy are the same schema: applying the embedded one changes nothing.
        await using var services = await PostgresServices.StartAsync(fixture.Server.ConnectionStringFor(database), applySchema: false);
        var queries = await QueriesAsync(services.Database);
        await PostgresSchemaInitializer.ApplyAsync(services.Database, CancellationToken.None);
        Assert.Equal(Tables.Order(StringComparer.Ordinal), await ExistingTablesAsync(services.Database));
        Assert.Equal(queries, await QueriesAsync(services.Database));
    }

    [Fact]
    public async Task OrleansQuery_HoldsEveryQueryOrleansProvidersLoad()
    {
        await using var services = await PostgresServices.StartAsync(await fixture.DatabaseForAsync(GetType()));
        var stored = await QueriesAsync(services.Database);

        var required = RequiredQueryKeys();
        var version = typeof(Orleans.Storage.AdoNetGrainStorage).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        output.WriteLine($"required by Orleans {version}: {string.Join(", ", required.Order(StringComparer.Ordinal))}");

        Assert.Empty(required.Except(stored.Keys));
        Assert.All(required, key => Assert.False(string.IsNullOrWhiteSpace(stored[key]), key));
    }

    [Fact]
    public async Task ConcurrentAppliers_TakeTurnsOnTheAdvisoryLock()
    {
        var connectionString = await fixture.CreateDatabaseAsync("schema_lock");
        await using var services = await PostgresServices.StartAsync(connectionString, applySchema: false);

        // Another silo holds the lock: an applier waits for it instead of running DDL beside it.
        await using var other = new NpgsqlConnection(connectionString);
        await other.OpenAsync();
        Task waiting;
        await using (var transaction = await other.BeginTransactionAsync())
        {
            await using (var take = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", other, transaction))
            {
                take.Parameters.Add(new NpgsqlParameter<long> { TypedValue = PostgresSchema.AdvisoryLockKey });
                await take.ExecuteNonQueryAsync();
            }

            waiting = PostgresSchemaInitializer.ApplyAsync(services.Database, CancellationToken.None);
            await Eventually.TrueAsync(async () => await WaitersOnAdvisoryLockAsync(other, transaction) == 1, because: "the applier queues on the advisory lock");
            Assert.False(waiting.IsCompleted);
            Assert.Empty(await ExistingTablesAsync(services.Database));
            await transaction.CommitAsync();
        }
        await waiting.WaitAsync(TimeSpan.FromSeconds(30));

        // Silos starting together on an empty database: concurrent CREATE … IF NOT EXISTS would collide in the catalog
        // (unique violations on pg_type), so every applier must succeed only because they take turns.
        var fresh = await fixture.CreateDatabaseAsync("schema_race");
        var appliers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostgresServices.StartAsync(fresh, applySchema: false)));
        try
        {
            await Task.WhenAll(appliers.Select(a => Task.Run(() => PostgresSchemaInitializer.ApplyAsync(a.Database, CancellationToken.None))));
            Assert.Equal(Tables.Order(StringComparer.Ordinal), await ExistingTablesAsync(appliers[0].Database));
        }
        finally
        {
            foreach (var applier in appliers)
                await applier.DisposeAsync();
        }
    }

    /// <summary>
    /// The query keys Orleans 10.4.2's ADO.NET providers read from <c>OrleansQuery</c>. Clustering and reminders check theirs
    /// at start against their internal <c>DbStoredQueries</c> (one property per key), read here by reflection so that an
    /// Orleans upgrade that adds a query fails this test. Persistence names its four keys in code.
    /// </summary>
    private static HashSet<string> RequiredQueryKeys()
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var assembly in new[] { "Orleans.Clustering.AdoNet", "Orleans.Reminders.AdoNet" })
        {
            var stored = Assembly.Load(assembly).GetTypes().Single(t => t.Name == "DbStoredQueries");
            var properties = stored.GetProperties(BindingFlags.Instance | BindingFlags.NonPublic).Select(p => p.Name).ToArray();
            Assert.NotEmpty(properties);
            keys.UnionWith(properties);
        }
        var persistence = typeof(Orleans.Storage.AdoNetGrainStorage).Assembly.GetTypes().Single(t => t.Name == "RelationalStorageProviderQueries");
        Assert.Equal(["ClearState", "DeleteState", "ReadFromStorage", "WriteToStorage"], persistence.GetProperties().Select(p => p.Name).Order(StringComparer.Ordinal));
        keys.UnionWith(["WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey", "DeleteStorageKey"]);
        return keys;
    }

    private static async Task<List<string>> ExistingTablesAsync(PostgresDatabase database)
    {
        await using var command = database.DataSource.CreateCommand(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name COLLATE \"C\"");
        var tables = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            tables.Add(reader.GetString(0));
        return tables;
    }

    private static async Task<SortedDictionary<string, string>> QueriesAsync(PostgresDatabase database)
    {
        await using var command = database.DataSource.CreateCommand("SELECT querykey, querytext FROM OrleansQuery");
        var queries = new SortedDictionary<string, string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            queries.Add(reader.GetString(0), reader.GetString(1));
        return queries;
    }

    private static async Task<long> WaitersOnAdvisoryLockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())", connection, transaction);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
