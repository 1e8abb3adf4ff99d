using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary>The socket's <c>query</c> with <c>"friends": true</c>: one page of the user's friends' presences, ordered by username.</summary>
internal sealed record FriendsPresencePage(
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("page")] int Page,
    [property: JsonPropertyName("page_size")] int PageSize,
    [property: JsonPropertyName("presences")] List<SocketPresenceDto> Presences);
