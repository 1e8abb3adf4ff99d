using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Presence.Webhooks;

namespace Presence.Api;

/// <summary>
/// Easemob's login/logout callback: <c>{"callId","reason","security","os","ip","host","appkey","user","version",
/// "timestamp","status"}</c>, with <c>security</c> = lowercase hex MD5 of <c>callId + secret + timestamp</c>. A lost
/// device is a <c>logout</c>; a replaced connection is <c>replaced</c>. The body depends only on the event, so every
/// retry sends the same bytes.
/// </summary>
internal static class EasemobWebhookBody
{
    public static void Write(Utf8JsonWriter json, ConfiguredWebhookRule rule, WebhookEvent e, string host)
    {
        var callId = CallId(rule.AppKey, e.Id);
        var timestamp = e.OccurredAtMs;
        json.WriteStartObject();
        json.WriteString("callId", callId);
        json.WriteString("reason", Reason(e.Kind));
        json.WriteString("security", Security(callId, rule.Options.Secret, timestamp));
        json.WriteString("os", DevicePlatforms.EasemobOs(e.Resource));
        json.WriteString("ip", "");
        json.WriteString("host", host);
        json.WriteString("appkey", rule.AppKey);
        json.WriteString("user", $"{rule.AppKey}_{e.Username}@easemob.com/{e.Resource}");
        json.WriteString("version", "");
        json.WriteNumber("timestamp", timestamp);
        json.WriteString("status", e.Status == "0" || e.Kind is WebhookEventKind.Logout or WebhookEventKind.Lost or WebhookEventKind.Replaced ? "offline" : "online");
        if (e.Kind == WebhookEventKind.Status)
            json.WriteString("ext", e.Ext); // ours: Easemob has no status callback; the receiver gets the custom status with it
        json.WriteEndObject();
    }

    /// <summary><c>{appkey}_{uuid}</c>.</summary>
    public static string CallId(string appKey, Guid id) => $"{appKey}_{id.ToString("D", CultureInfo.InvariantCulture)}";

    public static string Security(string callId, string secret, long timestamp) =>
        Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes($"{callId}{secret}{timestamp.ToString(CultureInfo.InvariantCulture)}")));

    public static string Reason(WebhookEventKind kind) => kind switch
    {
        WebhookEventKind.Login => "login",
        WebhookEventKind.Replaced => "replaced",
        WebhookEventKind.Status => "status",
        _ => "logout",
    };
}
