using Presence.Orleans.Runtime;

namespace Presence.Orleans.Grains;

/// <summary>
/// Proxy for <see cref="IUserPresenceGrain"/>: each method becomes a request record the runtime
/// delivers to the user's single activation (the code Orleans would generate).
/// </summary>
/// <remarks>
/// The target-side calls (<c>AddWatcher</c>, <c>RemoveWatcher</c>, <c>GetWatchers</c>) always interleave: a
/// subscriber awaits them inside its own turn, and two users subscribing to each other at once would
/// otherwise wait on each other forever. They never await anything, so interleaving them is safe.
/// The real-time notifications between grains are one way. <c>DeliverPresence</c> and <c>TargetReset</c> do not
/// interleave: one grain's one-way calls to another run in the order it made them, which keeps events in order
/// end to end. <c>WatcherConnectionChanged</c> interleaves, so a target that is busy writing still learns of a
/// watcher that just connected before it publishes; it carries an epoch, so its order does not matter.
/// </remarks>
internal sealed class UserPresenceGrainReference(GrainId grainId, IGrainCallInvoker invoker)
    : GrainReference(grainId, invoker), IUserPresenceGrain
{
    /// <summary>The registered grain type name of user presence grains.</summary>
    public const string GrainType = "user-presence";

    public Task<PresenceSnapshot> SetStatusAsync(string resource, string status, string? ext) =>
        InvokeAsync(new SetStatusRequest(resource, status, ext));

    public Task<PresenceSnapshot> GetPresenceAsync() => InvokeAsync(new GetPresenceRequest());

    public Task<PresenceSnapshot> ConnectAsync(string resource, IPresenceObserver device) =>
        InvokeAsync(new ConnectRequest(resource, device));

    public Task<PresenceSnapshot> DisconnectAsync(string resource, IPresenceObserver device, bool logout) =>
        InvokeAsync(new DisconnectRequest(resource, device, logout));

    public Task<SubscribeResult> SubscribeAsync(IReadOnlyList<string> usernames, int expirySeconds) =>
        InvokeAsync(new SubscribeRequest(usernames, expirySeconds));

    public Task UnsubscribeAsync(IReadOnlyList<string> usernames) => InvokeAsync(new UnsubscribeRequest(usernames));

    public Task<SubscriptionPage> GetSubscriptionsAsync(int pageNum, int pageSize) =>
        InvokeAsync(new GetSubscriptionsRequest(pageNum, pageSize));

    public Task<WatchResult> AddWatcherAsync(string subscriber, long expiresAtUnixSeconds, bool connected = false, long connectionEpoch = 0) =>
        InvokeAsync(new AddWatcherRequest(subscriber, expiresAtUnixSeconds, connected, connectionEpoch));

    public Task RemoveWatcherAsync(string subscriber) => InvokeAsync(new RemoveWatcherRequest(subscriber));

    public Task<IReadOnlyList<SubscriptionEntry>> GetWatchersAsync() => InvokeAsync(new GetWatchersRequest());

    public Task WatcherConnectionChangedAsync(string subscriber, bool connected, long connectionEpoch, bool resync = false)
    {
        InvokeOneWay(new WatcherConnectionChangedRequest(subscriber, connected, connectionEpoch, resync));
        return Task.CompletedTask;
    }

    public Task DeliverPresenceAsync(PresenceSnapshot presence)
    {
        InvokeOneWay(new DeliverPresenceRequest(presence));
        return Task.CompletedTask;
    }

    public Task TargetResetAsync(string target)
    {
        InvokeOneWay(new TargetResetRequest(target));
        return Task.CompletedTask;
    }

    internal sealed record SetStatusRequest(string Resource, string Status, string? Ext) : GrainRequest<IUserPresenceGrain, PresenceSnapshot>
    {
        public override Task<PresenceSnapshot> InvokeAsync(IUserPresenceGrain grain) => grain.SetStatusAsync(Resource, Status, Ext);
    }

    internal sealed record GetPresenceRequest : GrainRequest<IUserPresenceGrain, PresenceSnapshot>
    {
        public override Task<PresenceSnapshot> InvokeAsync(IUserPresenceGrain grain) => grain.GetPresenceAsync();
    }

    internal sealed record ConnectRequest(string Resource, IPresenceObserver Device) : GrainRequest<IUserPresenceGrain, PresenceSnapshot>
    {
        public override Task<PresenceSnapshot> InvokeAsync(IUserPresenceGrain grain) => grain.ConnectAsync(Resource, Device);
    }

    internal sealed record DisconnectRequest(string Resource, IPresenceObserver Device, bool Logout) : GrainRequest<IUserPresenceGrain, PresenceSnapshot>
    {
        public override Task<PresenceSnapshot> InvokeAsync(IUserPresenceGrain grain) => grain.DisconnectAsync(Resource, Device, Logout);
    }

    internal sealed record SubscribeRequest(IReadOnlyList<string> Usernames, int ExpirySeconds) : GrainRequest<IUserPresenceGrain, SubscribeResult>
    {
        public override Task<SubscribeResult> InvokeAsync(IUserPresenceGrain grain) => grain.SubscribeAsync(Usernames, ExpirySeconds);
    }

    internal sealed record UnsubscribeRequest(IReadOnlyList<string> Usernames) : GrainRequest<IUserPresenceGrain>
    {
        public override Task InvokeAsync(IUserPresenceGrain grain) => grain.UnsubscribeAsync(Usernames);
    }

    internal sealed record GetSubscriptionsRequest(int PageNum, int PageSize) : GrainRequest<IUserPresenceGrain, SubscriptionPage>
    {
        public override Task<SubscriptionPage> InvokeAsync(IUserPresenceGrain grain) => grain.GetSubscriptionsAsync(PageNum, PageSize);
    }

    internal sealed record AddWatcherRequest(string Subscriber, long ExpiresAt, bool Connected, long ConnectionEpoch)
        : GrainRequest<IUserPresenceGrain, WatchResult>, IAlwaysInterleave
    {
        public override Task<WatchResult> InvokeAsync(IUserPresenceGrain grain) => grain.AddWatcherAsync(Subscriber, ExpiresAt, Connected, ConnectionEpoch);
    }

    internal sealed record RemoveWatcherRequest(string Subscriber) : GrainRequest<IUserPresenceGrain>, IAlwaysInterleave
    {
        public override Task InvokeAsync(IUserPresenceGrain grain) => grain.RemoveWatcherAsync(Subscriber);
    }

    internal sealed record GetWatchersRequest : GrainRequest<IUserPresenceGrain, IReadOnlyList<SubscriptionEntry>>, IAlwaysInterleave
    {
        public override Task<IReadOnlyList<SubscriptionEntry>> InvokeAsync(IUserPresenceGrain grain) => grain.GetWatchersAsync();
    }

    internal sealed record WatcherConnectionChangedRequest(string Subscriber, bool Connected, long ConnectionEpoch, bool Resync)
        : GrainRequest<IUserPresenceGrain>, IAlwaysInterleave
    {
        public override Task InvokeAsync(IUserPresenceGrain grain) => grain.WatcherConnectionChangedAsync(Subscriber, Connected, ConnectionEpoch, Resync);
    }

    internal sealed record DeliverPresenceRequest(PresenceSnapshot Presence) : GrainRequest<IUserPresenceGrain>
    {
        public override Task InvokeAsync(IUserPresenceGrain grain) => grain.DeliverPresenceAsync(Presence);
    }

    internal sealed record TargetResetRequest(string Target) : GrainRequest<IUserPresenceGrain>
    {
        public override Task InvokeAsync(IUserPresenceGrain grain) => grain.TargetResetAsync(Target);
    }
}
