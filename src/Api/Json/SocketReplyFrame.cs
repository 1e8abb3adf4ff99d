using System.Text.Json;
using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary>
/// The answer to a request: <c>{"type":"reply","id":…,"op":…,"result":…,"failed":[…]}</c>. Per-user failures go
/// to <c>failed</c>; the call as a whole succeeded.
/// </summary>
internal sealed record SocketReplyFrame<TResult>(
    [property: JsonPropertyName("id")] JsonElement Id,
    [property: JsonPropertyName("op")] string Op,
    [property: JsonPropertyName("result")] TResult Result,
    [property: JsonPropertyName("failed")] IReadOnlyList<SocketFailedUser> Failed)
{
    [JsonPropertyName("type")]
    [JsonPropertyOrder(-1)]
    public string Type => "reply";
}
