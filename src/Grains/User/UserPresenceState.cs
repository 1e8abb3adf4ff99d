using Presence.Webhooks;

namespace Presence.Grains;

/// <summary>
/// The persisted presence of one user: a small blob written once per changing turn. Subscriptions are
/// not part of it — they live as rows in the subscription table, which scales to large watcher sets.
/// </summary>
[GenerateSerializer, Alias("presence.UserPresenceState")]
internal sealed class UserPresenceState : IWebhookEventCarrier
{
    /// <summary>Resource (device) → its status and when that status last changed.</summary>
    [Id(0)]
    public Dictionary<string, ResourceState> Resources { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The user's custom status; "" when none.</summary>
    [Id(1)]
    public string Ext { get; set; } = "";

    /// <summary>Unix seconds of the last login or logout (a resource's status moving to or from "0").</summary>
    [Id(2)]
    public long LastTime { get; set; }

    /// <summary>Grows by one with every change a client could see (any status, ext, last_time, status type).</summary>
    [Id(3)]
    public long Version { get; set; }

    /// <summary>
    /// When <see cref="Ext"/> is cleared because no resource is online any more (the grace period's end); null
    /// when nothing is pending. Persisted so that the grace reminder can tell a live deadline from a cancelled one.
    /// </summary>
    [Id(4)]
    public DateTimeOffset? ExtClearAt { get; set; }

    /// <summary>
    /// Grows with every change of this user's subscription rows. Writing it (with the state's ETag) before the
    /// rows fences a stale duplicate activation: rows carry no version of their own.
    /// </summary>
    [Id(5)]
    public long SubscriptionRevision { get; set; }

    /// <summary>
    /// The webhook events of the change being written, for the storage to put in its outbox in the same commit; set
    /// by <see cref="PresenceCommitter"/> for one write only. Not part of the stored state: a field Orleans' serializer
    /// skips, behind an explicit interface member that System.Text.Json does not see.
    /// </summary>
    [NonSerialized]
    private IReadOnlyList<WebhookEvent>? _pendingWebhooks;

    IReadOnlyList<WebhookEvent>? IWebhookEventCarrier.PendingWebhooks => _pendingWebhooks;

    public void SetPendingWebhooks(IReadOnlyList<WebhookEvent>? events) => _pendingWebhooks = events;

    public UserPresenceState Clone() => new()
    {
        Resources = new Dictionary<string, ResourceState>(Resources, StringComparer.Ordinal), // entries are immutable: shared
        Ext = Ext,
        LastTime = LastTime,
        Version = Version,
        ExtClearAt = ExtClearAt,
        SubscriptionRevision = SubscriptionRevision,
    };
}
