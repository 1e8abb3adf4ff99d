namespace Presence.Orleans.Runtime;

/// <summary>
/// An activation's in-memory timer. Each tick is queued as a turn of the activation, so the callback never
/// runs concurrently with a call; a tick is skipped while the previous one is still queued or running.
/// </summary>
internal sealed class GrainTimer : WorkItem, IDisposable
{
    private readonly ActivationData _activation;
    private readonly Func<CancellationToken, Task> _callback;
    private readonly bool _oneShot;
    private readonly ITimer _timer;
    private readonly CancellationTokenSource _disposed = new();
    private int _queued;

    public GrainTimer(ActivationData activation, Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period, TimeProvider timeProvider)
    {
        _activation = activation;
        _callback = callback;
        _oneShot = period <= TimeSpan.Zero || period == Timeout.InfiniteTimeSpan;
        _timer = timeProvider.CreateTimer(static s => ((GrainTimer)s!).OnTick(), this, dueTime, _oneShot ? Timeout.InfiniteTimeSpan : period);
    }

    public override string Name => "Timer";

    public bool IsDisposed => _disposed.IsCancellationRequested;

    private void OnTick()
    {
        if (IsDisposed || Interlocked.Exchange(ref _queued, 1) == 1)
            return;
        if (!_activation.TryEnqueue(this))
            Dispose();
    }

    public override async Task ExecuteAsync(Grain grain)
    {
        Volatile.Write(ref _queued, 0);
        FencedOut = false;
        if (IsDisposed)
            return;
        if (_oneShot)
            Dispose();
        try
        {
            await _callback(_disposed.Token);
        }
        catch (Exception exception)
        {
            FencedOut = exception is InconsistentStateException;
            _activation.OnTimerFailed(exception);
        }
    }

    public override void Fail(Exception exception) { }

    public void Dispose()
    {
        if (IsDisposed)
            return;
        _disposed.Cancel();
        _timer.Dispose();
        _activation.OnTimerDisposed(this);
    }
}
