using Microsoft.Extensions.DependencyInjection;

namespace Presence.Orleans.Runtime.Tests;

public sealed class TurnSchedulingTests
{
    [Fact]
    public async Task Calls_RunInArrivalOrder_WhenQueuedWithoutWaiting()
    {
        await using var silo = await TestSilo.StartAsync();
        var grain = silo.Grain("fifo");

        // Queued from one thread in this order; each turn yields several times to invite reordering.
        var calls = Enumerable.Range(0, 500).Select(i => grain.AppendAsync(i, yieldCount: 3)).ToArray();
        await Task.WhenAll(calls);

        Assert.Equal(Enumerable.Range(0, 500), await grain.GetLogAsync());
        Assert.Equal(Enumerable.Range(1, 500), calls.Select(c => c.Result));
    }

    [Fact]
    public async Task Turns_NeverOverlap_WhenHammeredFromManyTasks()
    {
        await using var silo = await TestSilo.StartAsync();
        var grain = silo.Grain("hammer");

        await Task.WhenAll(Enumerable.Range(0, 32).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < 100; i++)
                await grain.AppendAsync(t * 1000 + i, yieldCount: 2);
        })));

        Assert.Equal(1, await grain.GetMaxConcurrencyAsync());
        Assert.Equal(1, await grain.GetMaxParallelismAsync());
        Assert.Equal(3200, (await grain.GetLogAsync()).Count);
    }

    [Fact]
    public async Task OneActivation_ServesAllCalls_WhenManyCallersRaceToActivate()
    {
        await using var silo = await TestSilo.StartAsync();

        var ids = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(() => silo.Grain("race").GetActivationIdAsync())));

        Assert.Single(ids.Distinct());
        Assert.Equal(1, silo.Recorder.Activations);
    }

    [Fact]
    public async Task TimerTicks_RunAsTurns_AndNeverOverlapCalls()
    {
        await using var silo = await TestSilo.StartAsync();
        var grain = silo.Grain("timer");
        await grain.StartTimerAsync(TimeSpan.FromSeconds(1));

        for (var i = 0; i < 20; i++)
        {
            var call = grain.AppendAsync(i, yieldCount: 5);
            silo.Clock.Advance(TimeSpan.FromSeconds(1));
            await call;
        }

        await Eventually.TrueAsync(async () => await grain.GetTimerTicksAsync() >= 1);
        Assert.Equal(1, await grain.GetMaxConcurrencyAsync());
    }

    [Fact]
    public async Task GrainsCallingEachOther_DoNotDeadlock_WhenTheCalleeNotifiesTheCallerOneWay()
    {
        await using var silo = await TestSilo.StartAsync();

        var count = await silo.Grain("a").CallOtherAsync("b", 7).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, count);
        await Eventually.TrueAsync(async () => (await silo.Grain("a").GetLogAsync()).SequenceEqual([7]));
    }
}

public sealed class InterleavingTests
{
    [Fact]
    public async Task CrossedCalls_Complete_WhenTheCalleeMethodAlwaysInterleaves()
    {
        await using var silo = await TestSilo.StartAsync();

        var both = Task.WhenAll(silo.Grain("x").CrossCallAsync("y"), silo.Grain("y").CrossCallAsync("x"));

        await both.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, await silo.Grain("x").GetMaxParallelismAsync());
        Assert.Equal(1, await silo.Grain("y").GetMaxParallelismAsync());
    }

    [Fact]
    public async Task InterleavedRequests_NeverRunAtTheSameMomentAsOtherTurns()
    {
        await using var silo = await TestSilo.StartAsync();
        var grain = silo.Grain("mixed");
        await grain.GetActivationIdAsync();

        var calls = Enumerable.Range(0, 400).Select(i => i % 2 == 0 ? grain.AppendAsync(i, yieldCount: 3) : grain.PeekAsync());
        await Task.WhenAll(calls);

        Assert.Equal(1, await grain.GetMaxParallelismAsync());
        Assert.Equal(1, await grain.GetMaxConcurrencyAsync());
        Assert.Equal(200, (await grain.GetLogAsync()).Count);
    }

    [Fact]
    public async Task StuckCall_FailsWithTimeout_AndLaterInterleavedCallsStillAnswer()
    {
        await using var silo = await TestSilo.StartAsync(s => s.Configure<GrainRuntimeOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(2)));
        var grain = silo.Grain("stuck");
        await grain.GetActivationIdAsync();

        await Assert.ThrowsAsync<TimeoutException>(() => grain.HangAsync());
        Assert.Equal(0, await grain.PeekAsync());
        silo.Recorder.Never.SetResult();
    }
}
