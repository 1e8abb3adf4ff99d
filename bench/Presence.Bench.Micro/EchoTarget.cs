namespace Presence.Bench.Micro;

/// <summary>The echo grain's method on a plain object: the baseline of a call that crosses no runtime.</summary>
public sealed class EchoTarget
{
    public Task<int> EchoAsync(int value) => Task.FromResult(value);
}
