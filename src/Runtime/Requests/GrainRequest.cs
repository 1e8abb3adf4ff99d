namespace Presence.Orleans.Runtime;

/// <summary>
/// One call of a grain method, captured as data. Grain references build these (what Orleans' code
/// generator emits as "invokables"); a local call runs <see cref="InvokeAsync"/> on the activation,
/// a remote call serializes the record. Requests are immutable records of serializable values.
/// </summary>
public abstract record GrainRequest<TGrain, TResult>
    where TGrain : IGrain
{
    public abstract Task<TResult> InvokeAsync(TGrain grain);
}

/// <summary>A grain call without a result.</summary>
public abstract record GrainRequest<TGrain>
    where TGrain : IGrain
{
    public abstract Task InvokeAsync(TGrain grain);
}
