using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary>Pushed when a watched user (or the connection's own user) changed: <c>{"type":"presence",…}</c>, the latest state.</summary>
internal sealed record PresenceEventFrame(
    [property: JsonPropertyName("uid")] string Uid,
    [property: JsonPropertyName("status_type")] string StatusType,
    [property: JsonPropertyName("status"), JsonConverter(typeof(StatusMapJsonConverter))] IReadOnlyDictionary<string, string> Status,
    [property: JsonPropertyName("ext")] string Ext,
    [property: JsonPropertyName("last_time"), JsonNumberHandling(JsonNumberHandling.WriteAsString)] long LastTime,
    [property: JsonPropertyName("version")] long Version)
{
    [JsonPropertyName("type")]
    [JsonPropertyOrder(-1)]
    public string Type => "presence";

    /// <summary>When the change was made (the snapshot's stamp), for the delivery-latency metric; not sent.</summary>
    [JsonIgnore]
    public long ChangedAtUnixMs { get; init; }

    /// <summary>
    /// The same stamp, sent only to connections that asked for it (<c>timing=1</c> on the socket route: the console),
    /// so that they can show each event's latency; absent otherwise, so the protocol apps see is unchanged.
    /// </summary>
    [JsonPropertyName("changed_at")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? ChangedAt { get; init; }
}
