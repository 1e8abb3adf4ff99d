using System.Collections.Concurrent;

namespace Presence.Orleans.Runtime.Tests;

/// <summary>What test grains observed, shared across activations (a singleton service).</summary>
internal sealed class TestRecorder
{
    public ConcurrentQueue<string> Events { get; } = new();

    private int _activations;

    /// <summary>A barrier for two grains calling each other at once.</summary>
    public AsyncBarrier CrossCallers { get; } = new(2);

    /// <summary>A task that never completes (a stuck grain).</summary>
    public TaskCompletionSource Never { get; } = new();
    private int _reminderFailuresLeft;

    public int Activations => Volatile.Read(ref _activations);

    public void OnActivated(string key)
    {
        Interlocked.Increment(ref _activations);
        Events.Enqueue($"activate:{key}");
    }

    /// <summary>Makes the next <paramref name="count"/> reminder deliveries throw.</summary>
    public void FailNextReminders(int count) => Volatile.Write(ref _reminderFailuresLeft, count);

    public bool ShouldFailReminder() => Interlocked.Decrement(ref _reminderFailuresLeft) >= 0;

    public int Count(string prefix) => Events.Count(e => e.StartsWith(prefix, StringComparison.Ordinal));
}

internal sealed class AsyncBarrier(int participants)
{
    private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrived;

    public void Signal()
    {
        if (Interlocked.Increment(ref _arrived) == participants)
            _all.TrySetResult();
    }

    public Task WaitAsync() => _all.Task;
}
