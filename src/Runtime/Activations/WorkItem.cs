namespace Presence.Orleans.Runtime;

/// <summary>One turn queued on an activation: a grain call, a timer tick, or a deactivation marker.</summary>
internal abstract class WorkItem
{
    /// <summary>Runs the turn; never throws (failures go to whoever waits on the item).</summary>
    public abstract Task ExecuteAsync(Grain grain);

    /// <summary>Fails the item without running it (the activation could not be created).</summary>
    public abstract void Fail(Exception exception);

    /// <summary>Set when the turn threw a stale-ETag error: the activation must not serve another call.</summary>
    public bool FencedOut { get; protected set; }

    public abstract string Name { get; }
}

/// <summary>A call with a result.</summary>
internal sealed class RequestWorkItem<TGrain, TResult>(GrainRequest<TGrain, TResult> request) : WorkItem
    where TGrain : IGrain
{
    // Continuations run asynchronously so the caller never runs inline on the activation's loop.
    private readonly TaskCompletionSource<TResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<TResult> Task => _completion.Task;

    public override string Name => request.GetType().Name;

    public override async Task ExecuteAsync(Grain grain)
    {
        try
        {
            _completion.TrySetResult(await request.InvokeAsync((TGrain)(object)grain));
        }
        catch (Exception exception)
        {
            FencedOut = exception is InconsistentStateException;
            _completion.TrySetException(exception);
        }
    }

    public override void Fail(Exception exception) => _completion.TrySetException(exception);
}

/// <summary>A call without a result (also used for one-way calls, whose task nobody awaits).</summary>
internal sealed class CommandWorkItem<TGrain>(GrainRequest<TGrain> request) : WorkItem
    where TGrain : IGrain
{
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Task => _completion.Task;

    public override string Name => request.GetType().Name;

    public override async Task ExecuteAsync(Grain grain)
    {
        try
        {
            await request.InvokeAsync((TGrain)(object)grain);
            _completion.TrySetResult();
        }
        catch (Exception exception)
        {
            FencedOut = exception is InconsistentStateException;
            _completion.TrySetException(exception);
        }
    }

    public override void Fail(Exception exception) => _completion.TrySetException(exception);
}

/// <summary>Asks the activation to deactivate when this item reaches the head of its queue.</summary>
internal sealed class DeactivateWorkItem(DeactivationReason reason) : WorkItem
{
    public DeactivationReason Reason { get; } = reason;

    public override string Name => $"Deactivate({Reason})";

    public override Task ExecuteAsync(Grain grain) => Task.CompletedTask;

    public override void Fail(Exception exception) { }
}
