using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary>An answer that only names what was done (Easemob's <c>set user password</c>).</summary>
internal sealed record ActionResponse(
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("timestamp")] long Timestamp,
    [property: JsonPropertyName("duration")] long Duration);
