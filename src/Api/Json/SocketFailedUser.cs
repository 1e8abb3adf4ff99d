using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary>One user an operation could not serve (Tencent's <c>failureUserList</c>), with Easemob's error vocabulary.</summary>
internal sealed record SocketFailedUser(
    [property: JsonPropertyName("uid")] string? Uid,
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("error_description")] string ErrorDescription);
