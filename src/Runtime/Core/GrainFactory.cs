namespace Presence.Orleans.Runtime;

/// <summary>Creates references from registered interface factories; references are cheap and never cached.</summary>
internal sealed class GrainFactory(GrainTypeRegistry registry, IGrainCallInvoker invoker) : IGrainFactory
{
    public TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var registration = registry.GetInterface(typeof(TGrainInterface));
        return (TGrainInterface)registration.CreateReference(new GrainId(registration.GrainType, key), invoker);
    }
}
