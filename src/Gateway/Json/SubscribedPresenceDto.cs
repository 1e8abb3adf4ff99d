using System.Text.Json.Serialization;

namespace Presence.Orleans.Gateway;

/// <summary>One target of R2: its presence and the subscription's absolute expiry, both times as strings of Unix seconds.</summary>
internal sealed record SubscribedPresenceDto(
    [property: JsonPropertyName("uid")] string Uid,
    [property: JsonPropertyName("last_time"), JsonNumberHandling(JsonNumberHandling.WriteAsString)] long LastTime,
    [property: JsonPropertyName("expiry"), JsonNumberHandling(JsonNumberHandling.WriteAsString)] long Expiry,
    [property: JsonPropertyName("ext")] string Ext,
    [property: JsonPropertyName("status"), JsonConverter(typeof(StatusMapJsonConverter))] IReadOnlyDictionary<string, string> Status);
