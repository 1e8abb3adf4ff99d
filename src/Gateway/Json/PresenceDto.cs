using System.Text.Json.Serialization;

namespace Presence.Orleans.Gateway;

/// <summary>One user's presence in R3: <c>last_time</c> is a string of Unix seconds, <c>status</c> maps resource to status.</summary>
internal sealed record PresenceDto(
    [property: JsonPropertyName("uid")] string Uid,
    [property: JsonPropertyName("last_time"), JsonNumberHandling(JsonNumberHandling.WriteAsString)] long LastTime,
    [property: JsonPropertyName("ext")] string Ext,
    [property: JsonPropertyName("status"), JsonConverter(typeof(StatusMapJsonConverter))] IReadOnlyDictionary<string, string> Status);
