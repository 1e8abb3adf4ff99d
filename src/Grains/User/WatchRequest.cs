namespace Presence.Grains;

/// <summary>
/// A would-be watcher asking a target to admit it (<see cref="IUserPresenceProtocol.AdmitWatcherAsync"/>): who it is, until
/// when (Unix seconds), and where its devices are, as in <see cref="IUserPresenceProtocol.WatcherConnectionChangedAsync"/>.
/// </summary>
/// <remarks>
/// One object for the whole call, the same for every target of a subscribe, so it is made once per subscribe.
/// As separate arguments, Orleans boxed each value argument twice per call (it looks through a call's arguments for
/// cancellation tokens when it sends the call and again when it runs it): 6 boxes per target.
/// </remarks>
[GenerateSerializer, Immutable, Alias("presence.WatchRequest")]
internal sealed record WatchRequest(
    [property: Id(0)] string Subscriber,
    [property: Id(1)] long ExpiresAtUnixSeconds,
    [property: Id(2)] bool Connected,
    [property: Id(3)] long ConnectionEpoch,
    [property: Id(4)] IPresenceHub[]? Hubs);
