namespace Presence.Grains.Tests;

/// <summary>
/// A connected device as the grains see it: an <see cref="IPresenceObserver"/> living in the cluster client (as a
/// gateway's sockets do), whose reference the client made. Grains on any silo call it one way; the client runs the
/// calls of one object in arrival order, and they arrive on threads of their own, hence the lock. The client holds
/// the object weakly: a test keeps the device in a variable for as long as it listens.
/// </summary>
/// <remarks>
/// <see cref="Received"/> is arrival order, which Orleans does not keep for one-way messages (a burst is sent in any
/// order while the target's address is being resolved): every event is a whole snapshot with its version, so a device
/// keeps the newest. Tests assert order only between events that are causally apart (the next change is made after
/// the device got the previous one).
/// </remarks>
internal sealed class TestDevice : IPresenceObserver
{
    private readonly object _lock = new();
    private readonly List<object> _received = [];
    private int _syncs;

    private TestDevice(IUserPresenceGrain user, string resource)
    {
        User = user;
        Resource = resource;
    }

    public IUserPresenceGrain User { get; }

    public string Resource { get; }

    /// <summary>What the grain holds: a reference to this object.</summary>
    public IPresenceObserver Reference { get; private set; } = null!;

    /// <param name="hub">The process's hub the device registers with (as our gateways' devices do); none by default.</param>
    public static async Task<TestDevice> ConnectAsync(TestApp app, string username, string resource, TestHub? hub = null)
    {
        var device = new TestDevice(app.User(username), resource);
        device.Reference = app.Cluster.Client.CreateObjectReference<IPresenceObserver>(device);
        await device.User.ConnectAsync(resource, device.Reference, hub?.Reference);
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

    /// <summary>
    /// Gives whatever this device's user grain sent it so far time to arrive before a test checks for silence: the
    /// grain changes its own status (a resource named "sync"), which reaches its own devices after what it sent before
    /// in all but the rarest reorderings. Only where changes are not coalesced; the user's version grows.
    /// </summary>
    public async Task SyncAsync()
    {
        var token = $"sync{Interlocked.Increment(ref _syncs)}";
        await User.SetStatusAsync("sync", token, null);
        await Eventually.TrueAsync(
            () => Received.OfType<PresenceSnapshot>().Any(p => p.Status.GetValueOrDefault("sync") == token),
            because: "the device has caught up with its user grain");
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
