namespace Presence.Grains;

/// <summary>
/// A connected device (one WebSocket) as its user's grain sees it: an object reference made by the process that
/// holds the socket. Every call is one way, so a grain never waits for a device; an implementation only queues
/// the call and returns.
/// </summary>
[Alias("presence.IPresenceObserver")]
public interface IPresenceObserver : IGrainObserver
{
    /// <summary>A watched user (or this device's own user) changed; <paramref name="presence"/> is the latest state.</summary>
    [OneWay, Alias("OnPresenceChanged")]
    Task OnPresenceChanged(PresenceSnapshot presence);

    /// <summary>The subscription to <paramref name="uid"/> ended without the subscriber asking; no more events of it follow.</summary>
    [OneWay, Alias("OnSubscriptionEnded")]
    Task OnSubscriptionEnded(string uid, SubscriptionEndReason reason);

    /// <summary>The grain no longer counts this device as connected; the connection should close.</summary>
    [OneWay, Alias("OnSessionEnded")]
    Task OnSessionEnded(SessionEndReason reason);
}
