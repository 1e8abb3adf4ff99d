using System.Globalization;
using System.Text.Json;
using Presence.Webhooks;

namespace Presence.Api;

/// <summary>
/// Tencent's <c>State.StateChange</c> callback: <c>POST {url}?SdkAppid=…&amp;CallbackCommand=State.StateChange&amp;contenttype=json&amp;ClientIP=…&amp;OptPlatform=…</c>
/// with <c>{"CallbackCommand","EventTime","Info":{"Action","To_Account","Reason"},"KickedDevice":[{"Platform"}]}</c>.
/// Login is <c>Login/Register</c>, an explicit logout <c>Logout/Unregister</c>, a lost device <c>Disconnect</c> with
/// <c>LinkClose</c> (the connection dropped) or <c>TimeOut</c> (its heartbeat lease ran out).
/// </summary>
internal static class TencentWebhookBody
{
    public const string Command = "State.StateChange";

    public static void Write(Utf8JsonWriter json, WebhookEvent e)
    {
        var (action, reason) = ActionOf(e);
        json.WriteStartObject();
        json.WriteString("CallbackCommand", Command);
        json.WriteNumber("EventTime", e.OccurredAtMs);
        json.WriteStartObject("Info");
        json.WriteString("Action", action);
        json.WriteString("To_Account", e.Username);
        json.WriteString("Reason", reason);
        json.WriteEndObject();
        if (e.Kind == WebhookEventKind.Login)
        {
            json.WriteStartArray("KickedDevice");
            if (e.Kicked is { } kicked)
            {
                json.WriteStartObject();
                json.WriteString("Platform", DevicePlatforms.TencentPlatform(kicked));
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        json.WriteEndObject();
    }

    public static (string Action, string Reason) ActionOf(WebhookEvent e) => e.Kind switch
    {
        WebhookEventKind.Login => ("Login", "Register"),
        WebhookEventKind.Lost => ("Disconnect", e.Cause == WebhookLostCause.TimeOut ? "TimeOut" : "LinkClose"),
        _ => ("Logout", "Unregister"),
    };

    /// <summary>The rule's URL with Tencent's query; <paramref name="single"/> (null for a batch) gives <c>OptPlatform</c>.</summary>
    public static Uri Url(ConfiguredWebhookRule rule, WebhookEvent? single)
    {
        var query = $"SdkAppid={rule.Options.SdkAppId.ToString(CultureInfo.InvariantCulture)}&CallbackCommand={Command}&contenttype=json&ClientIP=" +
            $"&OptPlatform={(single is null ? "" : DevicePlatforms.TencentPlatform(single.Resource))}";
        var builder = new UriBuilder(rule.Url);
        builder.Query = string.IsNullOrEmpty(builder.Query) || builder.Query == "?" ? query : builder.Query.TrimStart('?') + "&" + query;
        return builder.Uri;
    }
}
