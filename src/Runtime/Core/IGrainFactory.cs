namespace Presence.Orleans.Runtime;

/// <summary>Hands out references to grains; calling a reference activates the grain on demand.</summary>
public interface IGrainFactory
{
    TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey;

    /// <summary>
    /// Makes a reference to a local object that grains can hold and call one way. The object stays
    /// reachable until <see cref="DeleteObjectReference{TObserver}"/>; calls to a deleted one are dropped.
    /// </summary>
    TObserver CreateObjectReference<TObserver>(TObserver observer) where TObserver : class, IGrainObserver;

    void DeleteObjectReference<TObserver>(TObserver reference) where TObserver : class, IGrainObserver;
}
