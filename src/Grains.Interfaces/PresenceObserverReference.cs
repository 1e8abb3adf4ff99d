using Presence.Orleans.Runtime;

namespace Presence.Orleans.Grains;

/// <summary>
/// Proxy for <see cref="IPresenceObserver"/>: every method is one way (Orleans' <c>[OneWay]</c>), so a grain
/// notifying a device never waits for it, and the returned task is already complete.
/// </summary>
internal sealed class PresenceObserverReference(GrainId grainId, IGrainCallInvoker invoker)
    : GrainReference(grainId, invoker), IPresenceObserver
{
    /// <summary>The registered type name of presence observers.</summary>
    public const string GrainType = "presence-observer";

    public Task OnPresenceChanged(PresenceSnapshot presence)
    {
        InvokeOneWay(new OnPresenceChangedRequest(presence));
        return Task.CompletedTask;
    }

    public Task OnSubscriptionEnded(string uid, SubscriptionEndReason reason)
    {
        InvokeOneWay(new OnSubscriptionEndedRequest(uid, reason));
        return Task.CompletedTask;
    }

    public Task OnSessionEnded(SessionEndReason reason)
    {
        InvokeOneWay(new OnSessionEndedRequest(reason));
        return Task.CompletedTask;
    }

    internal sealed record OnPresenceChangedRequest(PresenceSnapshot Presence) : GrainRequest<IPresenceObserver>
    {
        public override Task InvokeAsync(IPresenceObserver grain) => grain.OnPresenceChanged(Presence);
    }

    internal sealed record OnSubscriptionEndedRequest(string Uid, SubscriptionEndReason Reason) : GrainRequest<IPresenceObserver>
    {
        public override Task InvokeAsync(IPresenceObserver grain) => grain.OnSubscriptionEnded(Uid, Reason);
    }

    internal sealed record OnSessionEndedRequest(SessionEndReason Reason) : GrainRequest<IPresenceObserver>
    {
        public override Task InvokeAsync(IPresenceObserver grain) => grain.OnSessionEnded(Reason);
    }
}
