using Npgsql;

namespace Presence.Orleans.Runtime.AdoNet.Tests;

[Collection(PostgresCollection.Name)]
public sealed class PostgresReminderTableTests(PostgresFixture fixture) : IAsyncLifetime
{
    /// <summary>First 4 bytes of SHA-256("test/g"), big-endian.</summary>
    private const int PinnedHashOfTestG = 284268037;

    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private PostgresProviders _providers = null!;
    private string _connectionString = "";

    private IReminderTable Table => _providers.Reminders;

    // Due reads are table-wide: each test gets an empty database.
    public async Task InitializeAsync()
    {
        _connectionString = await fixture.CreateDatabaseAsync("reminders");
        _providers = await PostgresProviders.StartAsync(_connectionString);
    }

    public async Task DisposeAsync() => await _providers.DisposeAsync();

    private static GrainId Grain(string key) => new("test", key);

    private static ReminderEntry Entry(string key, string name, DateTimeOffset due, TimeSpan? period = null) =>
        new(Grain(key), name, due, period ?? TimeSpan.Zero, due);

    [Fact]
    public async Task Upsert_StoresTheRow_AndReadsItBackWithItsETag()
    {
        var entry = new ReminderEntry(Grain("g"), "r", T0, TimeSpan.FromMinutes(5), T0 + TimeSpan.FromMinutes(10));

        var eTag = await Table.UpsertRowAsync(entry, CancellationToken.None);
        var read = await Table.ReadRowAsync(Grain("g"), "r", CancellationToken.None);

        Assert.Equal(entry with { ETag = eTag }, read);
        Assert.Equal([read!], await Table.ReadRowsAsync(Grain("g"), CancellationToken.None));
        Assert.Null(await Table.ReadRowAsync(Grain("g"), "other", CancellationToken.None));
    }

    [Fact]
    public async Task Upsert_ReplacesTheRow_WithANewETag()
    {
        var first = await Table.UpsertRowAsync(Entry("g", "r", T0.AddSeconds(5)), CancellationToken.None);
        var second = await Table.UpsertRowAsync(Entry("g", "r", T0.AddSeconds(60)), CancellationToken.None);

        var read = await Table.ReadRowAsync(Grain("g"), "r", CancellationToken.None);
        Assert.NotEqual(first, second);
        Assert.Equal(second, read!.ETag);
        Assert.Equal(T0.AddSeconds(60), read.NextDueAt);
        Assert.Single(await Table.ReadRowsAsync(Grain("g"), CancellationToken.None));
    }

    [Fact]
    public async Task ReadDue_ReturnsOnlyDueRows_OldestFirst_UpToTheLimit()
    {
        await Table.UpsertRowAsync(Entry("c", "r", T0.AddSeconds(30)), CancellationToken.None);
        await Table.UpsertRowAsync(Entry("a", "r", T0.AddSeconds(10)), CancellationToken.None);
        await Table.UpsertRowAsync(Entry("later", "r", T0.AddSeconds(90)), CancellationToken.None);
        await Table.UpsertRowAsync(Entry("b", "r", T0.AddSeconds(20)), CancellationToken.None);
        await Table.UpsertRowAsync(Entry("b2", "r", T0.AddSeconds(20)), CancellationToken.None);

        var due = await Table.ReadDueAsync(T0.AddSeconds(30), 100, CancellationToken.None);
        var limited = await Table.ReadDueAsync(T0.AddSeconds(30), 2, CancellationToken.None);

        // Equal due times come in write order, as in memory.
        Assert.Equal(["a", "b", "b2", "c"], due.Select(e => e.GrainId.Key));
        Assert.Equal(["a", "b"], limited.Select(e => e.GrainId.Key));
        Assert.Empty(await Table.ReadDueAsync(T0.AddSeconds(9), 100, CancellationToken.None));
    }

    [Fact]
    public async Task TryUpdateDue_MovesTheRow_OnlyWhenItsETagStillMatches()
    {
        await Table.UpsertRowAsync(Entry("g", "tick", T0, TimeSpan.FromSeconds(5)), CancellationToken.None);
        var read = (await Table.ReadRowAsync(Grain("g"), "tick", CancellationToken.None))!;

        var moved = await Table.TryUpdateDueAsync(read, T0.AddSeconds(5), CancellationToken.None);
        var stale = await Table.TryUpdateDueAsync(read, T0.AddSeconds(10), CancellationToken.None);

        Assert.NotNull(moved);
        Assert.Null(stale);
        var stored = (await Table.ReadRowAsync(Grain("g"), "tick", CancellationToken.None))!;
        Assert.Equal(T0.AddSeconds(5), stored.NextDueAt);
        Assert.Equal(moved, stored.ETag);
        Assert.Equal(T0, stored.StartAt);
        Assert.Null(await Table.TryUpdateDueAsync(read with { ETag = null }, T0.AddSeconds(10), CancellationToken.None));
        Assert.Null(await Table.TryUpdateDueAsync(Entry("missing", "tick", T0) with { ETag = moved }, T0, CancellationToken.None));
    }

    [Fact]
    public async Task TryUpdateDue_LeavesARowReRegisteredDuringTheTick()
    {
        await Table.UpsertRowAsync(Entry("g", "r", T0, TimeSpan.FromSeconds(5)), CancellationToken.None);
        var delivering = (await Table.ReadRowAsync(Grain("g"), "r", CancellationToken.None))!;
        await Table.UpsertRowAsync(Entry("g", "r", T0.AddHours(1), TimeSpan.FromSeconds(5)), CancellationToken.None);

        Assert.Null(await Table.TryUpdateDueAsync(delivering, T0.AddSeconds(5), CancellationToken.None));
        Assert.Equal(T0.AddHours(1), (await Table.ReadRowAsync(Grain("g"), "r", CancellationToken.None))!.NextDueAt);
    }

    [Fact]
    public async Task Remove_DeletesTheRow_WhenETagMatchesOrIsNull()
    {
        var eTag = await Table.UpsertRowAsync(Entry("g", "one", T0), CancellationToken.None);
        await Table.UpsertRowAsync(Entry("g", "two", T0), CancellationToken.None);

        Assert.False(await Table.RemoveRowAsync(Grain("g"), "one", "999999999", CancellationToken.None));
        Assert.True(await Table.RemoveRowAsync(Grain("g"), "one", eTag, CancellationToken.None));
        Assert.False(await Table.RemoveRowAsync(Grain("g"), "one", eTag, CancellationToken.None));
        Assert.True(await Table.RemoveRowAsync(Grain("g"), "two", null, CancellationToken.None));
        Assert.False(await Table.RemoveRowAsync(Grain("g"), "two", null, CancellationToken.None));
        Assert.Empty(await Table.ReadRowsAsync(Grain("g"), CancellationToken.None));
    }

    [Fact]
    public async Task Remove_WithAnOldETag_LeavesAReminderThatWasRemovedAndRegisteredAgain()
    {
        var old = await Table.UpsertRowAsync(Entry("g", "r", T0), CancellationToken.None);
        await Table.RemoveRowAsync(Grain("g"), "r", null, CancellationToken.None);
        await Table.UpsertRowAsync(Entry("g", "r", T0), CancellationToken.None);

        Assert.False(await Table.RemoveRowAsync(Grain("g"), "r", old, CancellationToken.None));
        Assert.NotNull(await Table.ReadRowAsync(Grain("g"), "r", CancellationToken.None));
    }

    [Fact]
    public async Task Upsert_StoresTheStableGrainHash_ForRingRanges()
    {
        await Table.UpsertRowAsync(Entry("g", "r", T0), CancellationToken.None);

        await using var dataSource = NpgsqlDataSource.Create(_connectionString);
        await using var command = dataSource.CreateCommand("SELECT grain_hash FROM presence_reminders WHERE grain_key = 'g'");
        var stored = (int)(await command.ExecuteScalarAsync())!;

        Assert.Equal(GrainHash.Compute(Grain("g")), stored);
        // Pinned: every silo of every version must place a grain at the same point of the ring.
        Assert.Equal(PinnedHashOfTestG, stored);
    }

    [Fact]
    public async Task ReadRows_ReturnsOnlyThatGrainsReminders()
    {
        await Table.UpsertRowAsync(Entry("g", "a", T0), CancellationToken.None);
        await Table.UpsertRowAsync(Entry("g", "b", T0), CancellationToken.None);
        await Table.UpsertRowAsync(Entry("other", "a", T0), CancellationToken.None);
        await Table.UpsertRowAsync(new ReminderEntry(new GrainId("other-type", "g"), "a", T0, TimeSpan.Zero, T0), CancellationToken.None);

        var rows = await Table.ReadRowsAsync(Grain("g"), CancellationToken.None);

        Assert.Equal(["a", "b"], rows.Select(r => r.ReminderName).Order());
    }
}
