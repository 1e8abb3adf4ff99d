using Presence.Orleans.Runtime;

namespace Presence.Orleans.Bench.Micro;

/// <summary>The smallest grain: returns its argument. Its calls cost only what the runtime adds.</summary>
public interface IEchoGrain : IGrainWithStringKey
{
    Task<int> EchoAsync(int value);
}

public sealed class EchoGrain : Grain, IEchoGrain
{
    public Task<int> EchoAsync(int value) => Task.FromResult(value);
}

/// <summary>What a code generator would emit for <see cref="IEchoGrain"/>.</summary>
public sealed class EchoGrainReference(GrainId grainId, IGrainCallInvoker invoker) : GrainReference(grainId, invoker), IEchoGrain
{
    public const string GrainType = "bench-echo";

    public Task<int> EchoAsync(int value) => InvokeAsync(new EchoRequest(value));

    private sealed record EchoRequest(int Value) : GrainRequest<IEchoGrain, int>
    {
        public override Task<int> InvokeAsync(IEchoGrain grain) => grain.EchoAsync(Value);
    }
}
