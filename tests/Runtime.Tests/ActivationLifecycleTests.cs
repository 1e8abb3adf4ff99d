namespace Presence.Orleans.Runtime.Tests;

public sealed class ActivationLifecycleTests
{
    [Fact]
    public async Task IdleActivation_IsCollected_AndReactivationRestoresState()
    {
        await using var silo = await TestSilo.StartAsync();
        var grain = silo.Grain("idle");
        await grain.SaveAsync("kept");
        var firstActivation = await grain.GetActivationIdAsync();

        silo.Clock.Advance(TestSilo.CollectionAge + TestSilo.CollectionQuantum);
        await Eventually.TrueAsync(() => silo.Catalog.ActivationCount == 0, because: "idle activation collected");

        Assert.Equal("kept", await grain.LoadAsync());
        Assert.NotEqual(firstActivation, await grain.GetActivationIdAsync());
        Assert.Equal(2, silo.Recorder.Activations);
    }

    [Fact]
    public async Task ActiveActivation_IsNotCollected_BeforeCollectionAge()
    {
        await using var silo = await TestSilo.StartAsync();
        var grain = silo.Grain("busy");
        var activation = await grain.GetActivationIdAsync();

        silo.Clock.Advance(TestSilo.CollectionAge - TimeSpan.FromMinutes(2));
        Assert.Equal(0, silo.Catalog.CollectIdle());

        Assert.Equal(activation, await grain.GetActivationIdAsync());
    }

    [Fact]
    public async Task KeepAlive_PreventsCollection_UntilCleared()
    {
        await using var silo = await TestSilo.StartAsync();
        var grain = silo.Grain("pinned");
        await grain.SetKeepAliveAsync(true);

        silo.Clock.Advance(TestSilo.CollectionAge * 3);
        Assert.Equal(0, silo.Catalog.CollectIdle());

        Assert.Equal(1, silo.Catalog.ActivationCount);

        await grain.SetKeepAliveAsync(false);
        silo.Clock.Advance(TestSilo.CollectionAge + TestSilo.CollectionQuantum);
        await Eventually.TrueAsync(() => silo.Catalog.ActivationCount == 0, because: "collected once released");
    }

    [Fact]
    public async Task PendingTimer_KeepsActivationAlive()
    {
        await using var silo = await TestSilo.StartAsync();
        await silo.Grain("ticking").StartTimerAsync(TimeSpan.FromHours(1));

        silo.Clock.Advance(TestSilo.CollectionAge + TestSilo.CollectionQuantum);

        Assert.Equal(0, silo.Catalog.CollectIdle());
        Assert.Equal(1, silo.Catalog.ActivationCount);
    }

    [Fact]
    public async Task CallsQueuedDuringDeactivation_RunOnTheNextActivation_InOrder()
    {
        await using var silo = await TestSilo.StartAsync();
        var grain = silo.Grain("handover");
        await grain.SaveAsync("state");

        var first = Enumerable.Range(0, 50).Select(i => grain.AppendAsync(i, 1)).ToArray();
        var deactivation = silo.Catalog.DeactivateAsync(silo.IdOf("handover"));
        var second = Enumerable.Range(50, 50).Select(i => grain.AppendAsync(i, 1)).ToArray();
        await Task.WhenAll(first.Concat(second).Append(deactivation));

        // The log is per activation: the calls after the deactivation all ran, in order, on the new one.
        Assert.Equal(Enumerable.Range(50, 50), await grain.GetLogAsync());
        Assert.Equal("state", await grain.LoadAsync());
    }
}
