using Microsoft.Extensions.DependencyInjection;

namespace Presence.Orleans.Runtime.Tests;

public interface ITestGrain : IGrainWithStringKey
{
    Task<int> AppendAsync(int value, int yieldCount);
    Task<IReadOnlyList<int>> GetLogAsync();
    Task<int> GetMaxConcurrencyAsync();
    Task<string> GetActivationIdAsync();
    Task SaveAsync(string value);
    Task<string?> LoadAsync();
    Task StartTimerAsync(TimeSpan period);
    Task<int> GetTimerTicksAsync();
    Task RegisterReminderAsync(string name, TimeSpan due, TimeSpan period);
    Task UnregisterReminderAsync(string name);
    Task SetKeepAliveAsync(bool keepAlive);
    Task PingOtherOneWayAsync(string otherKey, int value);
    Task<int> CallOtherAsync(string otherKey, int value);
}

public sealed class TestGrainState
{
    public string? Value { get; set; }
}

internal sealed class TestGrain(TestRecorder recorder) : Grain<TestGrainState>, ITestGrain, IRemindable
{
    private readonly List<int> _log = [];
    private readonly string _activationId = Guid.NewGuid().ToString("N");
    private int _inside;
    private int _maxConcurrency;
    private int _timerTicks;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        recorder.OnActivated(GrainKey);
        return Task.CompletedTask;
    }

    public async Task<int> AppendAsync(int value, int yieldCount)
    {
        var inside = Interlocked.Increment(ref _inside);
        _maxConcurrency = Math.Max(_maxConcurrency, inside);
        for (var i = 0; i < yieldCount; i++)
            await Task.Yield();
        _log.Add(value);
        Interlocked.Decrement(ref _inside);
        return _log.Count;
    }

    public Task<IReadOnlyList<int>> GetLogAsync() => Task.FromResult<IReadOnlyList<int>>([.. _log]);

    public Task<int> GetMaxConcurrencyAsync() => Task.FromResult(_maxConcurrency);

    public Task<string> GetActivationIdAsync() => Task.FromResult(_activationId);

    public async Task SaveAsync(string value)
    {
        State.Value = value;
        await WriteStateAsync();
    }

    public Task<string?> LoadAsync() => Task.FromResult(State.Value);

    public Task StartTimerAsync(TimeSpan period)
    {
        RegisterTimer(async _ =>
        {
            var inside = Interlocked.Increment(ref _inside);
            _maxConcurrency = Math.Max(_maxConcurrency, inside);
            await Task.Yield();
            _timerTicks++;
            Interlocked.Decrement(ref _inside);
        }, period, period);
        return Task.CompletedTask;
    }

    public Task<int> GetTimerTicksAsync() => Task.FromResult(_timerTicks);

    public Task RegisterReminderAsync(string name, TimeSpan due, TimeSpan period) => RegisterOrUpdateReminder(name, due, period);

    public Task UnregisterReminderAsync(string name) => UnregisterReminder(name);

    public Task SetKeepAliveAsync(bool keepAlive)
    {
        KeepAlive(keepAlive);
        return Task.CompletedTask;
    }

    public Task PingOtherOneWayAsync(string otherKey, int value)
    {
        ((TestGrainReference)GrainFactory.GetGrain<ITestGrain>(otherKey)).AppendOneWay(value);
        return Task.CompletedTask;
    }

    public async Task<int> CallOtherAsync(string otherKey, int value)
    {
        // The callee calls this grain back one-way while this turn is still waiting: no deadlock.
        var other = GrainFactory.GetGrain<ITestGrain>(otherKey);
        await other.PingOtherOneWayAsync(GrainKey, value);
        return await other.AppendAsync(value, 0);
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (recorder.ShouldFailReminder())
            throw new InvalidOperationException("reminder failure requested by the test");
        recorder.Events.Enqueue($"reminder:{GrainKey}:{reminderName}:{status.CurrentTickTime:O}");
        return Task.CompletedTask;
    }
}

internal sealed class TestGrainReference(GrainId grainId, IGrainCallInvoker invoker) : GrainReference(grainId, invoker), ITestGrain
{
    public const string GrainType = "test";

    public Task<int> AppendAsync(int value, int yieldCount) => InvokeAsync(new Append(value, yieldCount));
    public void AppendOneWay(int value) => InvokeOneWay(new AppendCommand(value));
    public Task<IReadOnlyList<int>> GetLogAsync() => InvokeAsync(new Call<IReadOnlyList<int>>(g => g.GetLogAsync()));
    public Task<int> GetMaxConcurrencyAsync() => InvokeAsync(new Call<int>(g => g.GetMaxConcurrencyAsync()));
    public Task<string> GetActivationIdAsync() => InvokeAsync(new Call<string>(g => g.GetActivationIdAsync()));
    public Task SaveAsync(string value) => InvokeAsync(new Command(g => g.SaveAsync(value)));
    public Task<string?> LoadAsync() => InvokeAsync(new Call<string?>(g => g.LoadAsync()));
    public Task StartTimerAsync(TimeSpan period) => InvokeAsync(new Command(g => g.StartTimerAsync(period)));
    public Task<int> GetTimerTicksAsync() => InvokeAsync(new Call<int>(g => g.GetTimerTicksAsync()));
    public Task RegisterReminderAsync(string name, TimeSpan due, TimeSpan period) => InvokeAsync(new Command(g => g.RegisterReminderAsync(name, due, period)));
    public Task UnregisterReminderAsync(string name) => InvokeAsync(new Command(g => g.UnregisterReminderAsync(name)));
    public Task SetKeepAliveAsync(bool keepAlive) => InvokeAsync(new Command(g => g.SetKeepAliveAsync(keepAlive)));
    public Task PingOtherOneWayAsync(string otherKey, int value) => InvokeAsync(new Command(g => g.PingOtherOneWayAsync(otherKey, value)));
    public Task<int> CallOtherAsync(string otherKey, int value) => InvokeAsync(new Call<int>(g => g.CallOtherAsync(otherKey, value)));

    private sealed record Append(int Value, int YieldCount) : GrainRequest<ITestGrain, int>
    {
        public override Task<int> InvokeAsync(ITestGrain grain) => grain.AppendAsync(Value, YieldCount);
    }

    private sealed record AppendCommand(int Value) : GrainRequest<ITestGrain>
    {
        public override Task InvokeAsync(ITestGrain grain) => grain.AppendAsync(Value, 0);
    }

    // Test-only shortcuts: local calls need no serializable request records.
    private sealed record Call<T>(Func<ITestGrain, Task<T>> Body) : GrainRequest<ITestGrain, T>
    {
        public override Task<T> InvokeAsync(ITestGrain grain) => Body(grain);
    }

    private sealed record Command(Func<ITestGrain, Task> Body) : GrainRequest<ITestGrain>
    {
        public override Task InvokeAsync(ITestGrain grain) => Body(grain);
    }
}

internal static class TestGrainRegistration
{
    public static IServiceCollection AddTestGrains(this IServiceCollection services) =>
        services
            .AddGrainReference<ITestGrain>(TestGrainReference.GrainType, static (id, invoker) => new TestGrainReference(id, invoker))
            .AddGrain<TestGrain>(TestGrainReference.GrainType);
}
