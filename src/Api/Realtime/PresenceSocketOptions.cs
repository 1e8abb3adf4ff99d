namespace Presence.Api;

/// <summary>
/// Settings of the real-time connections (<c>GET /{org}/{app}/ws</c>), bound from <c>Presence:WebSocket</c>
/// and validated at start. Per-user limits of each operation follow Tencent (query 500, subscribe and
/// unsubscribe 100; 20 operations per 5 s per connection, setting one's own status unlimited).
/// </summary>
public sealed class PresenceSocketOptions
{
    public const string SectionName = "Presence:WebSocket";

    /// <summary>How often the server pings each connection.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A ping not answered by a pong within this time means the connection is lost (the device goes offline).</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Frames waiting to be sent to one connection. A connection that lets this many pile up is not reading:
    /// it is closed (<see cref="SocketCloseCodes.SendQueueFull"/>) rather than slow anyone else down.
    /// </summary>
    public int SendQueueCapacity { get; set; } = 1024;

    /// <summary>Largest text message a client may send, in bytes (a query of 500 names fits in 40 KiB).</summary>
    public int MaxMessageBytes { get; set; } = 64 * 1024;

    /// <summary>Malformed frames in a row after which the connection is closed with 1008 (policy violation).</summary>
    public int MaxConsecutiveBadFrames { get; set; } = 5;

    /// <summary>Requests received but not yet answered, per connection; past it the server stops reading.</summary>
    public int MaxPendingRequests { get; set; } = 32;

    /// <summary>Query, subscribe and unsubscribe operations allowed per <see cref="OperationWindow"/>, per connection.</summary>
    public int OperationPermitLimit { get; set; } = 20;

    public TimeSpan OperationWindow { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Users per query.</summary>
    public int MaxUsersPerQuery { get; set; } = 500;

    /// <summary>Users per subscribe.</summary>
    public int MaxUsersPerSubscribe { get; set; } = 100;

    /// <summary>Users per unsubscribe (an empty list removes all).</summary>
    public int MaxUsersPerUnsubscribe { get; set; } = 100;

    /// <summary>How long a closing connection may take to finish the close handshake before it is aborted.</summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often this process renews the lease of each of its connections with the user's grain (real time). It must
    /// stay well under <c>Presence:Limits:OrphanedConnectionTimeout</c> (60 s): a grain drops a device not renewed
    /// within it, which is how the devices of a process that died go offline.
    /// </summary>
    public TimeSpan LeaseRenewPeriod { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// After a silo died or left, connections are re-registered with resync (grains are
    /// re-activated elsewhere once membership declares the silo dead, a few seconds later): at once and three more times.
    /// </summary>
    public TimeSpan ResyncInterval { get; set; } = TimeSpan.FromSeconds(3);
}
