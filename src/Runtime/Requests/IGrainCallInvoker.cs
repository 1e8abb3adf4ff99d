namespace Presence.Orleans.Runtime;

/// <summary>Delivers grain requests to the activation that owns a grain id.</summary>
public interface IGrainCallInvoker
{
    Task<TResult> InvokeAsync<TGrain, TResult>(GrainId grainId, GrainRequest<TGrain, TResult> request)
        where TGrain : IGrain;

    Task InvokeAsync<TGrain>(GrainId grainId, GrainRequest<TGrain> request)
        where TGrain : IGrain;

    /// <summary>
    /// Queues a call without waiting for it. This is how a grain notifies another grain that may
    /// call it back (fan-out), so that two grains never wait on each other.
    /// </summary>
    void InvokeOneWay<TGrain>(GrainId grainId, GrainRequest<TGrain> request)
        where TGrain : IGrain;
}
