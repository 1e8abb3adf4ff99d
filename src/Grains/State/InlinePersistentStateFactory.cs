using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Serialization.Activators;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Presence.Grains;

/// <summary>
/// Makes every <c>[PersistentState]</c> an <see cref="InlinePersistentState{TState}"/> (it replaces Orleans'
/// <c>PersistentStateFactory</c>): same providers, names and keys, so stored states read the same either way.
/// </summary>
internal sealed class InlinePersistentStateFactory(IActivatorProvider activators, ILoggerFactory loggers) : IPersistentStateFactory
{
    public IPersistentState<TState> Create<TState>(IGrainContext context, IPersistentStateConfiguration config)
    {
        var storage = string.IsNullOrWhiteSpace(config.StorageName)
            ? context.ActivationServices.GetService<IGrainStorage>()
            : context.ActivationServices.GetKeyedService<IGrainStorage>(config.StorageName);
        if (storage is null)
            throw new BadProviderConfigException(
                $"No grain storage provider named \"{config.StorageName}\" is configured for grain type {context.GrainId.Type}.");
        var state = new InlinePersistentState<TState>(
            config.StateName, context.GrainId, storage, activators.GetActivator<TState>(), loggers.CreateLogger<InlinePersistentState<TState>>());
        context.ObservableLifecycle.Subscribe(nameof(InlinePersistentState<>), GrainLifecycleStage.SetupState, state);
        return state;
    }
}
