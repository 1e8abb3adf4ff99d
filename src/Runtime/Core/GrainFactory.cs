namespace Presence.Orleans.Runtime;

/// <summary>Creates references from registered interface factories; references are cheap and never cached.</summary>
internal sealed class GrainFactory(GrainTypeRegistry registry, IGrainCallInvoker invoker, ObserverRegistry observers) : IGrainFactory
{
    public TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var registration = registry.GetInterface(typeof(TGrainInterface));
        return (TGrainInterface)registration.CreateReference(new GrainId(registration.GrainType, key), invoker);
    }

    public TObserver CreateObjectReference<TObserver>(TObserver observer) where TObserver : class, IGrainObserver
    {
        ArgumentNullException.ThrowIfNull(observer);
        var registration = registry.GetInterface(typeof(TObserver));
        var id = observers.Register(registration.GrainType, observer);
        return (TObserver)registration.CreateReference(id, invoker);
    }

    public void DeleteObjectReference<TObserver>(TObserver reference) where TObserver : class, IGrainObserver
    {
        if (reference is GrainReference grainReference)
            observers.Unregister(grainReference.GrainId);
    }
}
