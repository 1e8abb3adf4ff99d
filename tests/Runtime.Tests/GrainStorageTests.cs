namespace Presence.Orleans.Runtime.Tests;

public sealed class GrainStorageTests
{
    [Fact]
    public async Task Write_IsRejected_WhenETagIsStale()
    {
        await using var silo = await TestSilo.StartAsync();
        var id = silo.IdOf("etag");
        var first = new GrainState<TestGrainState>();
        var second = new GrainState<TestGrainState>();
        await silo.Storage.ReadStateAsync("s", id, first, CancellationToken.None);
        await silo.Storage.ReadStateAsync("s", id, second, CancellationToken.None);

        first.State.Value = "first";
        await silo.Storage.WriteStateAsync("s", id, first, CancellationToken.None);
        second.State.Value = "second";

        await Assert.ThrowsAsync<InconsistentStateException>(() => silo.Storage.WriteStateAsync("s", id, second, CancellationToken.None));
        var read = new GrainState<TestGrainState>();
        await silo.Storage.ReadStateAsync("s", id, read, CancellationToken.None);
        Assert.Equal("first", read.State.Value);
        Assert.Equal(first.ETag, read.ETag);
    }

    [Fact]
    public async Task StaleActivation_IsFencedAndReplaced_AndTheCallSucceedsOnTheFreshOne()
    {
        await using var silo = await TestSilo.StartAsync();
        var grain = silo.Grain("fenced");
        await grain.SaveAsync("v1");
        var staleActivation = await grain.GetActivationIdAsync();

        // Another writer (a duplicate activation elsewhere) updates the record behind this activation's back.
        var id = silo.IdOf("fenced");
        var other = new GrainState<TestGrainState>();
        await silo.Storage.ReadStateAsync(id.Type, id, other, CancellationToken.None);
        other.State.Value = "written-elsewhere";
        await silo.Storage.WriteStateAsync(id.Type, id, other, CancellationToken.None);

        await grain.SaveAsync("v2");

        Assert.NotEqual(staleActivation, await grain.GetActivationIdAsync());
        Assert.Equal("v2", await grain.LoadAsync());
        var stored = new GrainState<TestGrainState>();
        await silo.Storage.ReadStateAsync(id.Type, id, stored, CancellationToken.None);
        Assert.Equal("v2", stored.State.Value);
        Assert.Equal(2, silo.Recorder.Activations);
    }

    [Fact]
    public async Task StoredState_IsACopy_NotSharedWithTheActivation()
    {
        await using var silo = await TestSilo.StartAsync();
        var id = silo.IdOf("copy");
        var state = new GrainState<TestGrainState>();
        state.State.Value = "a";
        await silo.Storage.WriteStateAsync("s", id, state, CancellationToken.None);
        state.State.Value = "mutated-after-write";

        var read = new GrainState<TestGrainState>();
        await silo.Storage.ReadStateAsync("s", id, read, CancellationToken.None);

        Assert.Equal("a", read.State.Value);
    }
}
