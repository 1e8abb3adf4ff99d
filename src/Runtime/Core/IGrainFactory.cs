namespace Presence.Orleans.Runtime;

/// <summary>Hands out references to grains; calling a reference activates the grain on demand.</summary>
public interface IGrainFactory
{
    TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey;
}
