using Presence.Diagnostics;

namespace Presence.Grains;

/// <inheritdoc cref="IBareActivationGrain"/>
internal sealed class BareActivationGrain : Grain, IBareActivationGrain
{
    public Task TouchAsync() => Task.CompletedTask;
}
