namespace Presence.Webhooks;

/// <summary>Why a device was lost: Tencent's <c>LinkClose</c> (the connection dropped) or <c>TimeOut</c> (no heartbeat).</summary>
public enum WebhookLostCause
{
    None = 0,
    LinkClose = 1,
    TimeOut = 2,
}
