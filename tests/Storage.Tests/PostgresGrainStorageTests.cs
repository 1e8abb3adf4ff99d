namespace Presence.Orleans.Runtime.AdoNet.Tests;

[Collection(PostgresCollection.Name)]
public sealed class PostgresGrainStorageTests(PostgresFixture fixture) : IAsyncLifetime
{
    private const string StateName = "state";
    private PostgresProviders _providers = null!;

    private IGrainStorage Storage => _providers.Storage;

    public async Task InitializeAsync() => _providers = await PostgresProviders.StartAsync(await fixture.DatabaseForAsync(GetType()));

    public async Task DisposeAsync() => await _providers.DisposeAsync();

    private static GrainId Id(string key) => new("test", key + "-" + Guid.NewGuid().ToString("N"));

    private async Task<GrainState<TestState>> ReadAsync(GrainId id)
    {
        var state = new GrainState<TestState>();
        await Storage.ReadStateAsync(StateName, id, state, CancellationToken.None);
        return state;
    }

    [Fact]
    public async Task Read_ReturnsEmptyStateWithoutETag_WhenNothingWasWritten()
    {
        var state = await ReadAsync(Id("empty"));

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.Null(state.State.Value);
    }

    [Fact]
    public async Task State_RoundTrips_WithANewETagPerWrite()
    {
        var id = Id("roundtrip");
        var state = new GrainState<TestState>();
        state.State.Value = "v1 \u0000 ünïcode";
        state.State.Items.AddRange(["a", "b"]);

        await Storage.WriteStateAsync(StateName, id, state, CancellationToken.None);
        var firstETag = state.ETag;
        var read = await ReadAsync(id);

        Assert.True(state.RecordExists);
        Assert.NotNull(firstETag);
        Assert.True(read.RecordExists);
        Assert.Equal(firstETag, read.ETag);
        Assert.Equal("v1 \u0000 ünïcode", read.State.Value);
        Assert.Equal(["a", "b"], read.State.Items);

        read.State.Value = "v2";
        await Storage.WriteStateAsync(StateName, id, read, CancellationToken.None);
        Assert.NotEqual(firstETag, read.ETag);
        Assert.Equal("v2", (await ReadAsync(id)).State.Value);
    }

    [Fact]
    public async Task Write_IsRejected_WhenETagIsStale()
    {
        var id = Id("stale");
        var seed = new GrainState<TestState>();
        await Storage.WriteStateAsync(StateName, id, seed, CancellationToken.None);
        var first = await ReadAsync(id);
        var second = await ReadAsync(id);

        first.State.Value = "first";
        await Storage.WriteStateAsync(StateName, id, first, CancellationToken.None);
        second.State.Value = "second";

        var rejected = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, id, second, CancellationToken.None));
        Assert.Equal(seed.ETag, rejected.CurrentETag);
        var stored = await ReadAsync(id);
        Assert.Equal("first", stored.State.Value);
        Assert.Equal(first.ETag, stored.ETag);
    }

    [Fact]
    public async Task ConcurrentFirstWrites_ExactlyOneWins_WhenNeitherHasAnETag()
    {
        // Many keys at once, so the two writers of each key really overlap somewhere.
        var ids = Enumerable.Range(0, 20).Select(i => Id($"first-{i}")).ToArray();
        var attempts = ids.SelectMany(id => new[] { "a", "b" }.Select(async writer =>
        {
            var state = new GrainState<TestState>();
            state.State.Value = writer;
            try
            {
                await Storage.WriteStateAsync(StateName, id, state, CancellationToken.None);
                return (id, writer, Won: true);
            }
            catch (InconsistentStateException)
            {
                return (id, writer, Won: false);
            }
        })).ToArray();
        var results = await Task.WhenAll(attempts);

        foreach (var id in ids)
        {
            var winners = results.Where(r => r.id == id && r.Won).Select(r => r.writer).ToArray();
            Assert.Single(winners);
            Assert.Equal(winners[0], (await ReadAsync(id)).State.Value);
        }
    }

    [Fact]
    public async Task Write_IsRejected_WhenTheRecordWasDeletedBehindTheWriter()
    {
        var id = Id("deleted");
        var first = new GrainState<TestState>();
        await Storage.WriteStateAsync(StateName, id, first, CancellationToken.None);
        var stale = await ReadAsync(id);
        await Storage.ClearStateAsync(StateName, id, first, CancellationToken.None);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, id, stale, CancellationToken.None));
    }

    [Fact]
    public async Task StaleETag_IsRejected_AfterTheRecordWasClearedAndWrittenAgain()
    {
        var id = Id("aba");
        var owner = new GrainState<TestState>();
        await Storage.WriteStateAsync(StateName, id, owner, CancellationToken.None);
        var stale = await ReadAsync(id);
        await Storage.ClearStateAsync(StateName, id, owner, CancellationToken.None);
        await Storage.WriteStateAsync(StateName, id, owner, CancellationToken.None);

        // Versions are never reused, so the old ETag cannot match the new record.
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, id, stale, CancellationToken.None));
    }

    [Fact]
    public async Task Clear_RemovesTheRecord_AndResetsETag()
    {
        var id = Id("clear");
        var state = new GrainState<TestState>();
        state.State.Value = "x";
        await Storage.WriteStateAsync(StateName, id, state, CancellationToken.None);

        await Storage.ClearStateAsync(StateName, id, state, CancellationToken.None);

        Assert.Null(state.ETag);
        Assert.False(state.RecordExists);
        var read = await ReadAsync(id);
        Assert.False(read.RecordExists);
        Assert.Null(read.State.Value);
        // A cleared record starts over with a first write.
        await Storage.WriteStateAsync(StateName, id, state, CancellationToken.None);
        Assert.True((await ReadAsync(id)).RecordExists);
    }

    [Fact]
    public async Task Clear_IsRejected_WhenETagIsStale_AndIsANoOp_WhenThereIsNoRecord()
    {
        var id = Id("clear-stale");
        var state = new GrainState<TestState>();
        await Storage.ClearStateAsync(StateName, id, state, CancellationToken.None);
        await Storage.WriteStateAsync(StateName, id, state, CancellationToken.None);
        var stale = await ReadAsync(id);
        await Storage.WriteStateAsync(StateName, id, state, CancellationToken.None);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearStateAsync(StateName, id, stale, CancellationToken.None));
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearStateAsync(StateName, id, new GrainState<TestState>(), CancellationToken.None));
        Assert.True((await ReadAsync(id)).RecordExists);
    }

    [Fact]
    public async Task StateNames_AreSeparateRecords_ForOneGrain()
    {
        var id = Id("names");
        var a = new GrainState<TestState>();
        a.State.Value = "a";
        var b = new GrainState<TestState>();
        b.State.Value = "b";

        await Storage.WriteStateAsync("a", id, a, CancellationToken.None);
        await Storage.WriteStateAsync("b", id, b, CancellationToken.None);

        var readA = new GrainState<TestState>();
        await Storage.ReadStateAsync("a", id, readA, CancellationToken.None);
        Assert.Equal("a", readA.State.Value);
        Assert.Null((await ReadAsync(id)).State.Value);
    }
}
