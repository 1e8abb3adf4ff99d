namespace Presence.Grains;

/// <summary>The deadlines of one user that wake its grain (<see cref="WakeUpSchedule"/>).</summary>
[Flags]
internal enum WakeUp
{
    None = 0,

    /// <summary>The coalescing window after an event ended with changes held: the state of now goes out (timer only).</summary>
    PublishWindow = 1,

    /// <summary>Connected devices' leases are checked (timer only, while devices are connected).</summary>
    LeaseCheck = 2,

    /// <summary>Devices of a crashed process had time to reconnect; the resources still orphaned go offline (timer only).</summary>
    OrphanCheck = 4,

    /// <summary>The earliest subscription expiry (reminder; also the timer while devices are connected, to the second).</summary>
    SubscriptionExpiry = 8,

    /// <summary>The end of the <c>ext</c> grace period (timer and reminder).</summary>
    ExtGrace = 16,

    /// <summary>
    /// While connections hold resources, the reminder ticks at least this often, so that a user whose process and silo
    /// both died wakes up and sets them offline (reminder only).
    /// </summary>
    ConnectionCheck = 32,

    /// <summary>A dropped connection's reconnect grace ended: its resource goes offline (timer only; see <see cref="ReconnectGrace"/>).</summary>
    ReconnectGrace = 64,
}
