using System.Collections.Concurrent;

namespace Presence.Orleans.Runtime.Tests;

/// <summary>What test grains observed, shared across activations (a singleton service).</summary>
internal sealed class TestRecorder
{
    public ConcurrentQueue<string> Events { get; } = new();

    private int _activations;
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
