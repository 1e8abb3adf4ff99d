using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary>Answer of the <c>password</c> grant (Easemob's shape): the user token and the registered user.</summary>
internal sealed record PasswordTokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("expires_in")] long ExpiresIn,
    [property: JsonPropertyName("user")] UserEntityDto User);
