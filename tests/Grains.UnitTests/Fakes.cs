using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Presence.Grains.UnitTests;

/// <summary>A process holding devices, as a plain object: the rules compare hubs with the comparer they are given.</summary>
internal sealed class FakeHub(string name) : IPresenceHub
{
    public Task OnPresenceChanged(HubDelivery delivery) => Task.CompletedTask;

    public override string ToString() => name;
}

/// <summary>A device's connection, as a plain object.</summary>
internal sealed class FakeDevice(string name) : IPresenceObserver
{
    public Task OnPresenceChanged(PresenceSnapshot presence) => Task.CompletedTask;

    public Task OnSubscriptionEnded(string uid, SubscriptionEndReason reason) => Task.CompletedTask;

    public List<SessionEndReason> SessionsEnded { get; } = [];

    public Task OnSessionEnded(SessionEndReason reason)
    {
        SessionsEnded.Add(reason);
        return Task.CompletedTask;
    }

    public override string ToString() => name;
}

internal static class Fakes
{
    public static readonly DateTimeOffset Start = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    /// <summary>References are the identity of fakes (a grain reference's is its grain id).</summary>
    public static readonly IEqualityComparer<IPresenceHub> SameHub = ReferenceEqualityComparer.Instance;

    public static readonly IEqualityComparer<IPresenceObserver> SameDevice = ReferenceEqualityComparer.Instance;

    public static FakeTimeProvider Clock() => new(Start);

    public static PresenceDocument Document(FakeTimeProvider clock, PresenceLimits? limits = null) =>
        new("alice", new UserPresenceState(), limits ?? new PresenceLimits(), clock, NullLogger.Instance);

    /// <summary>Runs one change as the grain does: checkpoint, change, seal when it changed anything.</summary>
    public static bool Change(this PresenceDocument document, Func<bool> change)
    {
        var checkpoint = document.Checkpoint();
        if (!change())
            return false;
        document.Seal(checkpoint);
        return true;
    }
}

/// <summary>A grain's persistent state that records writes and fails the next one on request.</summary>
internal sealed class FakePersistentState<T>(T state) : IPersistentState<T>
{
    public T State { get; set; } = state;

    public string? Etag { get; private set; }

    public bool RecordExists => Etag is not null;

    /// <summary>What each successful write stored, in order.</summary>
    public List<T> Written { get; } = [];

    public bool FailNextWrite { get; set; }

    /// <summary>Runs at the start of each write (to see what happened before it).</summary>
    public Action? OnWrite { get; set; }

    public Task WriteStateAsync()
    {
        OnWrite?.Invoke();
        if (FailNextWrite)
        {
            FailNextWrite = false;
            throw new StorageUnavailableException("the database is down");
        }
        Written.Add(State);
        Etag = Written.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Task.CompletedTask;
    }

    public Task ReadStateAsync() => Task.CompletedTask;

    public Task ClearStateAsync() => throw new NotSupportedException("The user grain never clears its state.");
}
