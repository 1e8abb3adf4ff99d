using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary>Answer of <c>GET /users/{owner}/contacts/users</c> (Easemob's envelope): the friends' usernames in <c>data</c>.</summary>
internal sealed record ContactsListResponse(
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("application")] string Application,
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("uri")] string Uri,
    [property: JsonPropertyName("entities")] List<UserEntityDto> Entities,
    [property: JsonPropertyName("data")] IReadOnlyList<string> Data,
    [property: JsonPropertyName("timestamp")] long Timestamp,
    [property: JsonPropertyName("duration")] long Duration,
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("organization")] string Organization,
    [property: JsonPropertyName("applicationName")] string ApplicationName);
