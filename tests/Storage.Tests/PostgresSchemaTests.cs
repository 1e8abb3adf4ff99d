namespace Presence.Orleans.Runtime.AdoNet.Tests;

[Collection(PostgresCollection.Name)]
public sealed class PostgresSchemaTests(PostgresFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ShippedScripts_ApplyByHandWithPsql_Twice_AndTheProvidersUseThem()
    {
        var database = await fixture.Server.CreateDatabaseNameAsync("schema_by_hand");
        var scripts = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Sql"), "*.sql").Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(PostgresSchema.Scripts.Select(s => s.Name), scripts.Select(Path.GetFileName));

        for (var round = 0; round < 2; round++)
        {
            foreach (var script in scripts)
                await fixture.Server.RunSqlFileAsync(script, database);
        }

        await using var providers = await PostgresProviders.StartAsync(fixture.Server.ConnectionStringFor(database), o => o.InitializeSchema = false);
        await AssertWorksAsync(providers);
    }

    [Fact]
    public async Task Schema_IsAppliedOnce_WhenSeveralSilosStartAtTheSameTime()
    {
        // Concurrent CREATE … IF NOT EXISTS can collide in the catalog; the advisory lock makes silos take turns.
        var connectionString = await fixture.CreateDatabaseAsync("schema_race");

        var silos = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostgresProviders.StartAsync(connectionString)));
        try
        {
            foreach (var providers in silos)
                await AssertWorksAsync(providers);
        }
        finally
        {
            foreach (var providers in silos)
                await providers.DisposeAsync();
        }
    }

    private static async Task AssertWorksAsync(PostgresProviders providers)
    {
        var id = new GrainId("test", Guid.NewGuid().ToString("N"));
        var state = new GrainState<TestState>();
        await providers.Storage.WriteStateAsync("s", id, state, CancellationToken.None);
        await providers.Reminders.UpsertRowAsync(new ReminderEntry(id, "r", T0, TimeSpan.Zero, T0), CancellationToken.None);
        await providers.Subscriptions.WriteAsync([new(id.Key, "target", T0)], [], CancellationToken.None);
        Assert.NotNull(await providers.Reminders.ReadRowAsync(id, "r", CancellationToken.None));
        Assert.Single(await providers.Subscriptions.ReadBySubscriberAsync(id.Key, CancellationToken.None));
    }
}
