namespace Presence.Grains;

/// <summary>
/// Waits for a batch of grain calls with one resume of the caller's turn. Awaiting each call in turn resumes the
/// calling activation once per call still in flight when reached — a work item on its scheduler and a task each
/// time, a hundred per subscribe to 100 users. Here one waiter walks the calls in order off the caller's scheduler,
/// waiting only on the first that has not answered yet (answers mostly come in the order the calls went out, so by
/// the time it runs many later ones have), and the caller resumes once, on its own scheduler, after the last.
/// </summary>
internal static class GrainCallBatch
{
    /// <summary>
    /// Completes once every call has completed, successfully or not; it never faults. The caller then reads each
    /// call's outcome (<see cref="ValueTask{TResult}.Result"/>, which throws a failed call's exception) exactly once.
    /// </summary>
    public static Task WhenAllCompleted<T>(ValueTask<T>[] calls)
    {
        var first = Array.FindIndex(calls, static call => !call.IsCompleted);
        if (first < 0)
            return Task.CompletedTask;
        var waiter = new Waiter<T>(calls, first);
        waiter.WaitForNext();
        return waiter.Task;
    }

    /// <summary>Waits on one call at a time, so only one continuation of it is ever pending.</summary>
    private sealed class Waiter<T> : TaskCompletionSource
    {
        private readonly ValueTask<T>[] _calls;
        private readonly Action _continue;
        private int _next;

        public Waiter(ValueTask<T>[] calls, int first)
        {
            _calls = calls;
            _next = first;
            _continue = WaitForNext;
        }

        public void WaitForNext()
        {
            for (; _next < _calls.Length; _next++)
            {
                if (!_calls[_next].IsCompleted)
                {
                    // Orleans runs this continuation on the thread pool, never inline in the answering turn.
                    _calls[_next].ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_continue);
                    return;
                }
            }
            SetResult();
        }
    }
}
