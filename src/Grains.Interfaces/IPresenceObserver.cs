using Presence.Orleans.Runtime;

namespace Presence.Orleans.Grains;

/// <summary>
/// A connected device (one WebSocket) as its user's grain sees it. Grains call it one way, in the order they
/// made the calls, inline on their turn: an implementation must only queue the call and return.
/// </summary>
public interface IPresenceObserver : IGrainObserver
{
    /// <summary>A watched user (or this device's own user) changed; <paramref name="presence"/> is the latest state.</summary>
    Task OnPresenceChanged(PresenceSnapshot presence);

    /// <summary>The subscription to <paramref name="uid"/> ended without the subscriber asking; no more events of it follow.</summary>
    Task OnSubscriptionEnded(string uid, SubscriptionEndReason reason);

    /// <summary>The grain no longer counts this device as connected; the connection should close.</summary>
    Task OnSessionEnded(SessionEndReason reason);
}
