using Presence.Orleans.Diagnostics;

namespace Presence.Orleans.Grains;

/// <inheritdoc cref="IBareActivationGrain"/>
internal sealed class BareActivationGrain : Grain, IBareActivationGrain
{
    public Task TouchAsync() => Task.CompletedTask;
}
