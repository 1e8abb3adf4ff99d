using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary>One user of <c>POST /{org}/{app}/users</c>.</summary>
internal sealed class RegisterUserRequest
{
    [JsonPropertyName("username")]
    public string? Username { get; set; }

    [JsonPropertyName("password")]
    public string? Password { get; set; }

    [JsonPropertyName("nickname")]
    public string? Nickname { get; set; }
}
