namespace Presence.Bench.Micro;

/// <summary>The smallest grain: returns its argument. Its calls cost only what Orleans adds.</summary>
[Alias("bench.IEchoGrain")]
public interface IEchoGrain : IGrainWithStringKey
{
    [Alias("Echo")]
    Task<int> EchoAsync(int value);
}

[GrainType("bench-echo")]
public sealed class EchoGrain : Grain, IEchoGrain
{
    public Task<int> EchoAsync(int value) => Task.FromResult(value);
}
