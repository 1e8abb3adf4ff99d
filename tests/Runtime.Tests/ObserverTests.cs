using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;

namespace Presence.Orleans.Runtime.Tests;

public sealed class ObserverTests
{
    [Fact]
    public async Task Observer_ReceivesAGrainsCalls_InTheOrderTheGrainMadeThem()
    {
        await using var silo = await TestSilo.StartAsync(s => s.AddTestObservers());
        var observer = new RecordingObserver();
        var reference = silo.Grains.CreateObjectReference<ITestObserver>(observer);

        await silo.Grains.GetGrain<INotifierGrain>("n").NotifyAsync(reference, 1000);

        Assert.Equal(Enumerable.Range(0, 1000), observer.Received);
    }

    [Fact]
    public async Task DeletedObserver_ReceivesNothing_AndTheGrainIsUnaffected()
    {
        await using var silo = await TestSilo.StartAsync(s => s.AddTestObservers());
        var observer = new RecordingObserver();
        var reference = silo.Grains.CreateObjectReference<ITestObserver>(observer);
        silo.Grains.DeleteObjectReference(reference);

        await silo.Grains.GetGrain<INotifierGrain>("n").NotifyAsync(reference, 10);

        Assert.Empty(observer.Received);
    }

    private sealed class RecordingObserver : ITestObserver
    {
        public ConcurrentQueue<int> Received { get; } = new();

        public Task OnValue(int value)
        {
            Received.Enqueue(value);
            return Task.CompletedTask;
        }
    }
}

public interface ITestObserver : IGrainObserver
{
    Task OnValue(int value);
}

public interface INotifierGrain : IGrainWithStringKey
{
    Task NotifyAsync(ITestObserver observer, int count);
}

internal sealed class NotifierGrain : Grain, INotifierGrain
{
    public Task NotifyAsync(ITestObserver observer, int count)
    {
        for (var i = 0; i < count; i++)
            observer.OnValue(i);
        return Task.CompletedTask;
    }
}

internal sealed class TestObserverReference(GrainId id, IGrainCallInvoker invoker) : GrainReference(id, invoker), ITestObserver
{
    public Task OnValue(int value)
    {
        InvokeOneWay(new OnValueRequest(value));
        return Task.CompletedTask;
    }

    private sealed record OnValueRequest(int Value) : GrainRequest<ITestObserver>
    {
        public override Task InvokeAsync(ITestObserver grain) => grain.OnValue(Value);
    }
}

internal sealed class NotifierGrainReference(GrainId id, IGrainCallInvoker invoker) : GrainReference(id, invoker), INotifierGrain
{
    public Task NotifyAsync(ITestObserver observer, int count) => InvokeAsync(new NotifyRequest(observer, count));

    private sealed record NotifyRequest(ITestObserver Observer, int Count) : GrainRequest<INotifierGrain>
    {
        public override Task InvokeAsync(INotifierGrain grain) => grain.NotifyAsync(Observer, Count);
    }
}

internal static class TestObserverRegistration
{
    public static IServiceCollection AddTestObservers(this IServiceCollection services) =>
        services
            .AddGrainReference<ITestObserver>("test-observer", static (id, invoker) => new TestObserverReference(id, invoker))
            .AddGrainReference<INotifierGrain>("notifier", static (id, invoker) => new NotifierGrainReference(id, invoker))
            .AddGrain<NotifierGrain>("notifier");
}
