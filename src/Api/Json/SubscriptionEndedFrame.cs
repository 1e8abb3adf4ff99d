using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary>Pushed when a subscription expired or was evicted: <c>{"type":"subscription_ended","uid":…,"reason":"expired"|"evicted"}</c>.</summary>
internal sealed record SubscriptionEndedFrame(
    [property: JsonPropertyName("uid")] string Uid,
    [property: JsonPropertyName("reason")] string Reason)
{
    [JsonPropertyName("type")]
    [JsonPropertyOrder(-1)]
    public string Type => "subscription_ended";
}
