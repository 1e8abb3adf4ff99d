namespace Presence.Orleans.Grains.Tests;

/// <summary>
/// A connected device as the grains see it: an <see cref="IPresenceObserver"/> that records what it is told.
/// Calls arrive inline on grain turns and from several threads, hence the lock.
/// </summary>
internal sealed class TestDevice : IPresenceObserver
{
    private readonly object _lock = new();
    private readonly List<object> _received = [];

    private TestDevice(IUserPresenceGrain user, string resource)
    {
        User = user;
        Resource = resource;
    }

    public IUserPresenceGrain User { get; }

    public string Resource { get; }

    /// <summary>What the grain holds: a reference to this object.</summary>
    public IPresenceObserver Reference { get; private set; } = null!;

    public static async Task<TestDevice> ConnectAsync(PresenceTestSilo silo, string username, string resource)
    {
        var device = new TestDevice(silo.User(username), resource);
        device.Reference = silo.Grains.CreateObjectReference<IPresenceObserver>(device);
        await device.User.ConnectAsync(resource, device.Reference);
        return device;
    }

    public Task<PresenceSnapshot> DisconnectAsync(bool logout) => User.DisconnectAsync(Resource, Reference, logout);

    /// <summary>Everything received, in order: <see cref="PresenceSnapshot"/>, <see cref="Ended"/> or <see cref="SessionEndReason"/>.</summary>
    public IReadOnlyList<object> Received
    {
        get
        {
            lock (_lock)
                return [.. _received];
        }
    }

    public IReadOnlyList<PresenceSnapshot> EventsOf(string uid) => Received.OfType<PresenceSnapshot>().Where(p => p.Uid == uid).ToList();

    public IReadOnlyList<Ended> SubscriptionsEnded => Received.OfType<Ended>().ToList();

    public IReadOnlyList<SessionEndReason> SessionsEnded => Received.OfType<SessionEndReason>().ToList();

    public void Clear()
    {
        lock (_lock)
            _received.Clear();
    }

    public Task OnPresenceChanged(PresenceSnapshot presence) => Record(presence);

    public Task OnSubscriptionEnded(string uid, SubscriptionEndReason reason) => Record(new Ended(uid, reason));

    public Task OnSessionEnded(SessionEndReason reason) => Record(reason);

    private Task Record(object item)
    {
        lock (_lock)
            _received.Add(item);
        return Task.CompletedTask;
    }

    public sealed record Ended(string Uid, SubscriptionEndReason Reason);
}
