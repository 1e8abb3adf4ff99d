using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary>Answer of the <c>client_credentials</c> grant (Easemob's shape).</summary>
internal sealed record AppTokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("expires_in")] long ExpiresIn,
    [property: JsonPropertyName("application")] string Application);
