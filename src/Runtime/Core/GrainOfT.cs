namespace Presence.Orleans.Runtime;

/// <summary>
/// A grain with one persistent state record, loaded before <see cref="Grain.OnActivateAsync"/> and
/// written explicitly with an ETag. A stale write throws <see cref="InconsistentStateException"/>,
/// which makes the runtime discard this activation and retry the call on a fresh one.
/// </summary>
public abstract class Grain<TState> : Grain, IStatefulGrain
    where TState : new()
{
    private GrainState<TState> _state = new();

    protected TState State
    {
        get => _state.State;
        set => _state.State = value;
    }

    /// <summary>Whether a record has ever been written for this grain.</summary>
    protected bool RecordExists => _state.RecordExists;

    /// <summary>Name of the state record; defaults to the grain type name.</summary>
    protected virtual string StateName => GrainId.Type;

    async Task IStatefulGrain.LoadStateAsync(CancellationToken cancellationToken)
    {
        var state = new GrainState<TState>();
        await Context.Storage.ReadStateAsync(StateName, GrainId, state, cancellationToken);
        _state = state;
    }

    protected Task ReadStateAsync() => ((IStatefulGrain)this).LoadStateAsync(CancellationToken.None);

    protected Task WriteStateAsync() => Context.Storage.WriteStateAsync(StateName, GrainId, _state, CancellationToken.None);

    protected async Task ClearStateAsync()
    {
        await Context.Storage.ClearStateAsync(StateName, GrainId, _state, CancellationToken.None);
        _state.State = new TState();
    }
}

/// <summary>Lets the activation load state without knowing the state type.</summary>
internal interface IStatefulGrain
{
    Task LoadStateAsync(CancellationToken cancellationToken);
}
