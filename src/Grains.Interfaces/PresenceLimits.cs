namespace Presence.Grains;

/// <summary>
/// Every limit of docs/api.md#limits in one place, bound from configuration section
/// <c>Presence:Limits</c>. Defaults are the vendors' (Agora/Easemob).
/// </summary>
public sealed class PresenceLimits
{
    public const string SectionName = "Presence:Limits";

    /// <summary>Maximum UTF-8 size of <c>ext</c>.</summary>
    public int MaxExtBytes { get; set; } = 64;

    /// <summary>Resources kept per user; past it the oldest offline one is evicted first.</summary>
    public int MaxResourcesPerUser { get; set; } = 32;

    /// <summary>Live subscriptions a user may hold; past it the one with least time left is evicted.</summary>
    public int MaxSubscriptionsPerUser { get; set; } = 3000;

    /// <summary>Live subscribers a user may have; a full target refuses new watchers.</summary>
    public int MaxSubscribersPerUser { get; set; } = 3000;

    /// <summary>Contacts (friends) a user may have (Easemob's contacts, two-way); adding past it is refused.</summary>
    public int MaxContacts { get; set; } = 3000;

    /// <summary>Longest subscription, in seconds (30 days).</summary>
    public int MaxExpirySeconds { get; set; } = 2_592_000;

    /// <summary>Usernames per REST subscribe, get or unsubscribe call.</summary>
    public int MaxUsersPerRestCall { get; set; } = 100;

    /// <summary>Largest page of the subscription list.</summary>
    public int MaxPageSize { get; set; } = 500;

    /// <summary>Maximum request body, in bytes (docs/api.md#limits: 16 KiB).</summary>
    public int MaxRequestBodyBytes { get; set; } = 16 * 1024;

    /// <summary>
    /// How long <c>ext</c> survives the user's last resource going offline (Tencent: 30 s); a resource coming
    /// back online within it keeps <c>ext</c>. Zero clears it at once.
    /// </summary>
    public TimeSpan ExtGracePeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Changes of one user within this window after an event are merged into one event of the latest state at
    /// the window's end (Agora: 1 s). The first change after a quiet window goes out at once. Zero disables.
    /// </summary>
    public TimeSpan CoalescingWindow { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// While a user has connected devices a durable reminder ticks this often, so that if the process holding the
    /// connections dies, the grain wakes up and sets their resources offline instead of showing them online forever.
    /// </summary>
    public TimeSpan ConnectionCheckPeriod { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Watchers named in one fan-out message to a process (<see cref="IPresenceHub"/>): a larger fan-out goes as
    /// several, which bounds a message's size and lets the process start writing while the rest is on its way.
    /// </summary>
    public int MaxWatchersPerDelivery { get; set; } = 4096;

    /// <summary>How long a fresh activation waits for devices to reconnect before their resources go offline.</summary>
    public TimeSpan OrphanedConnectionTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
