namespace Presence.Orleans.Runtime;

/// <summary>
/// Runs an activation's tasks one at a time on the thread pool (Orleans' activation scheduler). Grain code
/// awaits without <c>ConfigureAwait(false)</c>, so every continuation of a turn comes back here: even when an
/// interleaving request starts while another turn awaits, the two never run at the same moment.
/// </summary>
internal sealed class ActivationTaskScheduler : TaskScheduler
{
    [ThreadStatic]
    private static ActivationTaskScheduler? s_running;

    private readonly Queue<Task> _queue = new();
    private readonly object _lock = new();
    private bool _draining;

    public override int MaximumConcurrencyLevel => 1;

    protected override void QueueTask(Task task)
    {
        lock (_lock)
        {
            _queue.Enqueue(task);
            if (_draining)
                return;
            _draining = true;
        }
        ThreadPool.UnsafeQueueUserWorkItem(static s => ((ActivationTaskScheduler)s!).Drain(), this);
    }

    private void Drain()
    {
        s_running = this;
        try
        {
            while (true)
            {
                Task? task;
                lock (_lock)
                {
                    if (!_queue.TryDequeue(out task))
                    {
                        _draining = false;
                        return;
                    }
                }
                TryExecuteTask(task);
            }
        }
        finally
        {
            s_running = null;
        }
    }

    // Inline only on the thread that is already draining this scheduler: still one at a time.
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        s_running == this && !taskWasPreviouslyQueued && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks()
    {
        lock (_lock)
            return [.. _queue];
    }

    /// <summary>Starts <paramref name="turn"/> on this scheduler and returns its whole completion.</summary>
    public Task Run(Func<Task> turn) =>
        Task.Factory.StartNew(turn, CancellationToken.None, TaskCreationOptions.DenyChildAttach, this).Unwrap();
}
