namespace Presence.Orleans.Grains;

/// <summary>
/// Waits for a batch of grain calls with one resume of the caller's turn. Awaiting each call in turn resumes the
/// calling activation once per call still in flight when reached — a work item on its scheduler and a task each
/// time, a hundred per subscribe to 100 users. Here each answer only counts down, on whatever thread delivers it,
/// and the caller resumes once, on its own scheduler, when the last has arrived.
/// </summary>
internal static class GrainCallBatch
{
    /// <summary>
    /// Completes once every call has completed, successfully or not; it never faults. The caller then reads each
    /// call's outcome (<see cref="ValueTask{TResult}.Result"/>, which throws a failed call's exception) exactly once.
    /// </summary>
    public static Task WhenAllCompleted<T>(ValueTask<T>[] calls)
    {
        Countdown? countdown = null;
        foreach (var call in calls)
        {
            if (call.IsCompleted)
                continue;
            countdown ??= new Countdown();
            countdown.Add();
            call.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(countdown.Signal);
        }
        if (countdown is null)
            return Task.CompletedTask;
        countdown.Signal(); // the count of one it started with, held while calls were still being registered
        return countdown.Task;
    }

    private sealed class Countdown : TaskCompletionSource
    {
        private int _pending = 1;

        public Countdown() => Signal = OnCompleted;

        /// <summary>One delegate for every call of the batch.</summary>
        public Action Signal { get; }

        public void Add() => Interlocked.Increment(ref _pending);

        private void OnCompleted()
        {
            if (Interlocked.Decrement(ref _pending) == 0)
                SetResult();
        }
    }
}
