using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary>Answer of the <c>inherit</c> grant (Easemob's shape).</summary>
internal sealed record UserTokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("expires_in")] long ExpiresIn,
    [property: JsonPropertyName("user")] TokenUserDto User);
