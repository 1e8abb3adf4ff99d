using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary>
/// A user's presence over the socket: R3's fields (<c>last_time</c> a string of Unix seconds) plus
/// <c>status_type</c> (online, offline, unlogined) and <c>version</c>, which grows with each change.
/// </summary>
internal sealed record SocketPresenceDto(
    [property: JsonPropertyName("uid")] string Uid,
    [property: JsonPropertyName("status_type")] string StatusType,
    [property: JsonPropertyName("status"), JsonConverter(typeof(StatusMapJsonConverter))] IReadOnlyDictionary<string, string> Status,
    [property: JsonPropertyName("ext")] string Ext,
    [property: JsonPropertyName("last_time"), JsonNumberHandling(JsonNumberHandling.WriteAsString)] long LastTime,
    [property: JsonPropertyName("version")] long Version);
