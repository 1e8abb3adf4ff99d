using System.Text.Json;
using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary>
/// A request that failed as a whole: <c>{"type":"error","id":…,"error":…,"error_description":…}</c> with Easemob's
/// codes and descriptions; <c>id</c> is null when the frame had none, <c>retry_after</c> (seconds) comes with
/// <c>reach_limit</c>.
/// </summary>
internal sealed record SocketErrorFrame(
    [property: JsonPropertyName("id")] JsonElement? Id,
    [property: JsonPropertyName("op"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Op,
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("error_description")] string ErrorDescription,
    [property: JsonPropertyName("retry_after"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? RetryAfter = null)
{
    [JsonPropertyName("type")]
    [JsonPropertyOrder(-1)]
    public string Type => "error";
}
