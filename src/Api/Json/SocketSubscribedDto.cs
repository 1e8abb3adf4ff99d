using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary>A subscribed user: its presence now and the subscription's absolute expiry (a string of Unix seconds).</summary>
internal sealed record SocketSubscribedDto(
    [property: JsonPropertyName("uid")] string Uid,
    [property: JsonPropertyName("status_type")] string StatusType,
    [property: JsonPropertyName("status"), JsonConverter(typeof(StatusMapJsonConverter))] IReadOnlyDictionary<string, string> Status,
    [property: JsonPropertyName("ext")] string Ext,
    [property: JsonPropertyName("last_time"), JsonNumberHandling(JsonNumberHandling.WriteAsString)] long LastTime,
    [property: JsonPropertyName("version")] long Version,
    [property: JsonPropertyName("expiry"), JsonNumberHandling(JsonNumberHandling.WriteAsString)] long Expiry);
