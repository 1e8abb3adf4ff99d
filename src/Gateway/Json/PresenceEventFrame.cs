using System.Text.Json.Serialization;

namespace Presence.Orleans.Gateway;

/// <summary>Pushed when a watched user (or the connection's own user) changed: <c>{"type":"presence",…}</c>, the latest state.</summary>
internal sealed record PresenceEventFrame(
    [property: JsonPropertyName("uid")] string Uid,
    [property: JsonPropertyName("status_type")] string StatusType,
    [property: JsonPropertyName("status")] IReadOnlyDictionary<string, string> Status,
    [property: JsonPropertyName("ext")] string Ext,
    [property: JsonPropertyName("last_time")] string LastTime,
    [property: JsonPropertyName("version")] long Version)
{
    [JsonPropertyName("type")]
    [JsonPropertyOrder(-1)]
    public string Type => "presence";
}
