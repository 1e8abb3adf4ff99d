namespace Presence.Webhooks;

/// <summary>The body a webhook rule sends: Easemob's login/logout callback or Tencent's <c>State.StateChange</c>.</summary>
public enum WebhookFormat
{
    Easemob,
    Tencent,
}
