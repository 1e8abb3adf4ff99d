using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary>
/// A request frame of the real-time protocol: <c>id</c> (a string or a number, echoed in the reply), <c>op</c>
/// and the operation's fields. The id is read separately, so that a frame with a wrong field still gets an
/// error that names it.
/// </summary>
internal sealed record SocketRequest(
    [property: JsonPropertyName("op")] string? Op,
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("ext")] string? Ext,
    [property: JsonPropertyName("users")] List<string?>? Users,
    [property: JsonPropertyName("expiry")] long? Expiry,
    [property: JsonPropertyName("friends")] bool? Friends = null,
    [property: JsonPropertyName("page")] int? Page = null,
    [property: JsonPropertyName("page_size")] int? PageSize = null);
