namespace Presence.Grains.Tests;

/// <summary>
/// A process's <see cref="IPresenceHub"/> as the grains see it, living in the cluster client like <see cref="TestDevice"/>:
/// it records every delivery (the change and the watchers it names). The client holds it weakly: a test keeps it in a
/// variable for as long as it listens.
/// </summary>
internal sealed class TestHub : IPresenceHub
{
    private readonly Lock _lock = new();
    private readonly List<HubDelivery> _deliveries = [];

    private TestHub()
    {
    }

    public IPresenceHub Reference { get; private set; } = null!;

    public static TestHub Create(TestApp app)
    {
        var hub = new TestHub();
        hub.Reference = app.Cluster.Client.CreateObjectReference<IPresenceHub>(hub);
        return hub;
    }

    public IReadOnlyList<HubDelivery> Deliveries
    {
        get
        {
            lock (_lock)
                return [.. _deliveries];
        }
    }

    /// <summary>The deliveries of <paramref name="uid"/>'s changes, in arrival order.</summary>
    public IReadOnlyList<HubDelivery> Of(string uid) => Deliveries.Where(d => d.Presence.Uid == uid).ToList();

    /// <summary>The watchers named for <paramref name="uid"/>'s change of <paramref name="version"/>, over all its deliveries.</summary>
    public IReadOnlyList<string> WatchersOf(string uid, long version) =>
        Of(uid).Where(d => d.Presence.Version == version).SelectMany(d => d.Watchers).Order(StringComparer.Ordinal).ToList();

    public Task OnPresenceChanged(HubDelivery delivery)
    {
        lock (_lock)
            _deliveries.Add(delivery);
        return Task.CompletedTask;
    }
}
