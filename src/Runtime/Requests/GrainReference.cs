namespace Presence.Orleans.Runtime;

/// <summary>
/// Base of the hand-written proxies that implement a grain interface by turning each method call
/// into a <see cref="GrainRequest{TGrain,TResult}"/>. A reference is cheap, immutable and never
/// holds the grain object, so grain-to-grain calls can later cross processes unchanged.
/// </summary>
public abstract class GrainReference(GrainId grainId, IGrainCallInvoker invoker)
{
    public GrainId GrainId { get; } = grainId;

    protected Task<TResult> InvokeAsync<TGrain, TResult>(GrainRequest<TGrain, TResult> request)
        where TGrain : IGrain => invoker.InvokeAsync(GrainId, request);

    protected Task InvokeAsync<TGrain>(GrainRequest<TGrain> request)
        where TGrain : IGrain => invoker.InvokeAsync(GrainId, request);

    protected void InvokeOneWay<TGrain>(GrainRequest<TGrain> request)
        where TGrain : IGrain => invoker.InvokeOneWay(GrainId, request);

    public override string ToString() => GrainId.ToString();
}
