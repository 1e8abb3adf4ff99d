using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary>Easemob's error body (docs/api.md#errors).</summary>
internal sealed record ErrorResponse(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("exception")] string Exception,
    [property: JsonPropertyName("timestamp")] long Timestamp,
    [property: JsonPropertyName("duration")] long Duration,
    [property: JsonPropertyName("error_description")] string ErrorDescription);
