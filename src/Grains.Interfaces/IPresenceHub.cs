namespace Presence.Grains;

/// <summary>
/// One per process that holds devices' WebSockets (a gateway, or a silo serving the API): a user's grain sends each
/// change once per such process, naming the watchers whose devices are there, instead of once per watcher and again
/// per device. The process writes the frame (serialized once) to those watchers' local sockets. One way, like
/// <see cref="IPresenceObserver"/>: a grain never waits for a process.
/// </summary>
[Alias("presence.IPresenceHub")]
public interface IPresenceHub : IGrainObserver
{
    /// <summary><paramref name="delivery"/>'s user changed; its watchers' devices in this process get the event.</summary>
    [OneWay, Alias("OnPresenceChanged")]
    Task OnPresenceChanged(HubDelivery delivery);
}

/// <summary>
/// One change for some watchers of one app in one process: the target's snapshot and the watchers (bare usernames)
/// whose subscriptions were live when it was sent. Built once per process and change and never mutated, so a local
/// call passes it without a copy.
/// </summary>
[GenerateSerializer, Immutable, Alias("presence.HubDelivery")]
public sealed record HubDelivery(
    [property: Id(0)] string Org,
    [property: Id(1)] string App,
    [property: Id(2)] PresenceSnapshot Presence,
    [property: Id(3)] string[] Watchers);
