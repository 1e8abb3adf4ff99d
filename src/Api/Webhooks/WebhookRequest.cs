using System.Text.Json;
using Presence.Webhooks;

namespace Presence.Api;

/// <summary>
/// What one POST of a rule sends: its URL, its body (one event, or a JSON array of events for a batched rule) and its
/// <c>webhook-id</c> (the event's id, or the batch's), fixed across retries.
/// </summary>
internal sealed record WebhookRequest(Uri Url, byte[] Body, string Id)
{
    public static WebhookRequest For(ConfiguredWebhookRule rule, IReadOnlyList<WebhookEvent> events, string batchId, string host)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            if (rule.Batch)
                json.WriteStartArray();
            foreach (var e in events)
            {
                if (rule.Format == WebhookFormat.Tencent)
                    TencentWebhookBody.Write(json, e);
                else
                    EasemobWebhookBody.Write(json, rule, e, host);
            }
            if (rule.Batch)
                json.WriteEndArray();
        }
        var url = rule.Format == WebhookFormat.Tencent ? TencentWebhookBody.Url(rule, rule.Batch ? null : events[0]) : rule.Url;
        return new WebhookRequest(url, buffer.WrittenSpan.ToArray(), rule.Batch ? batchId : events[0].Id.ToString("D"));
    }
}
