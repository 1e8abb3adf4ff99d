using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Serialization.Activators;
using Orleans.Storage;

namespace Presence.Grains.Tests;

/// <summary>
/// Grain state that calls its storage provider on the caller's turn (<see cref="InlinePersistentState{TState}"/>): at
/// once when nothing is in flight, otherwise after what is, in call order; loaded at activation; errors as thrown.
/// </summary>
public sealed class InlinePersistentStateTests
{
    private static readonly GrainId Grain = GrainId.Create("user-presence", "org/app/alice");
    private readonly ScriptedStorage _storage = new();

    /// <summary>The load yields first: Orleans runs the activation's first requests on the same stack, under its lock.</summary>
    [Fact]
    public async Task ActivationLoadsTheStoredState_AfterYieldingTheActivationsTurn()
    {
        var state = NewState();
        Assert.Throws<InvalidOperationException>(() => state.RecordExists);
        _storage.Stored = (41, "etag-1");

        // As on an activation's scheduler: one task at a time, so the yield's continuation waits for this one to end.
        var scheduler = new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler;
        var (start, readsOnTheActivationStack) = await Task.Factory.StartNew(
            () => (((ILifecycleObserver)state).OnStart(CancellationToken.None), _storage.Calls.Count),
            CancellationToken.None, TaskCreationOptions.None, scheduler);
        await start.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0, readsOnTheActivationStack);
        Assert.Equal(41, state.State.Value);
        Assert.Equal("etag-1", state.Etag);
        Assert.True(state.RecordExists);
        Assert.Equal(["read presence org/app/alice"], _storage.Calls);
    }

    [Fact]
    public void Write_CompletesOnTheCallersTurn_WhenTheProviderDoes()
    {
        var state = NewState();
        state.State.Value = 7;

        var write = state.WriteStateAsync();

        Assert.True(write.IsCompletedSuccessfully);
        Assert.Equal(["write 7"], _storage.Calls);
        Assert.Equal("etag-7", state.Etag);
    }

    [Fact]
    public async Task OperationsStartedWhileOneIsInFlight_RunAfterIt_InCallOrder()
    {
        var state = NewState();
        var first = _storage.HoldNext();
        state.State.Value = 1;
        var write1 = state.WriteStateAsync();
        state.State.Value = 2;
        var write2 = state.WriteStateAsync();
        var clear = state.ClearStateAsync();

        // Nothing else can run them: they wait on the held write.
        Assert.Equal(["write 1"], _storage.Calls);
        Assert.False(write2.IsCompleted);

        first.SetResult();
        await Task.WhenAll(write1, write2, clear).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["write 1", "write 2", "clear"], _storage.Calls);
    }

    [Fact]
    public async Task AFailedOperation_FailsOnlyItsCaller_WithTheProvidersException()
    {
        var state = NewState();
        var first = _storage.HoldNext();
        var failing = state.WriteStateAsync();
        state.State.Value = 3;
        var next = state.WriteStateAsync();

        first.SetException(new InconsistentStateException("stale", "etag-9", "etag-8"));

        await Assert.ThrowsAsync<InconsistentStateException>(() => failing);
        await next.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["write 0", "write 3"], _storage.Calls);
    }

    private InlinePersistentState<Counter> NewState() =>
        new("presence", Grain, _storage, new CounterActivator(), NullLogger.Instance);

    public sealed class Counter
    {
        public int Value { get; set; }
    }

    private sealed class CounterActivator : IActivator<Counter>
    {
        public Counter Create() => new();
    }

    /// <summary>Records each call; completes it at once unless <see cref="HoldNext"/> asked to hold it.</summary>
    private sealed class ScriptedStorage : IGrainStorage
    {
        private TaskCompletionSource? _held;

        public List<string> Calls { get; } = [];

        public (int Value, string ETag)? Stored { get; set; }

        public TaskCompletionSource HoldNext() => _held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            Calls.Add($"read {stateName} {grainId.Key}");
            if (Stored is { } stored)
            {
                ((Counter)(object)grainState.State!).Value = stored.Value;
                grainState.ETag = stored.ETag;
                grainState.RecordExists = true;
            }
            return Next();
        }

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            var value = ((Counter)(object)grainState.State!).Value;
            Calls.Add($"write {value}");
            grainState.ETag = $"etag-{value}";
            return Next();
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            Calls.Add("clear");
            return Next();
        }

        private Task Next()
        {
            var held = _held;
            _held = null;
            return held?.Task ?? Task.CompletedTask;
        }
    }
}
