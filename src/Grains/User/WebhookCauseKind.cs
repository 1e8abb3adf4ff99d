namespace Presence.Grains;

/// <summary>See <see cref="WebhookCause"/>. <see cref="Other"/> (the default): a change webhooks only see as a status change.</summary>
internal enum WebhookCauseKind
{
    Other = 0,
    Rest,
    Connect,
    Logout,
    LinkClose,
    TimeOut,
}
