using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary>Body of <c>PUT /users/{username}/password</c>: Easemob's <c>newpassword</c>, and <c>oldpassword</c> when a user changes its own.</summary>
internal sealed class ChangePasswordRequest
{
    [JsonPropertyName("newpassword")]
    public string? NewPassword { get; set; }

    [JsonPropertyName("oldpassword")]
    public string? OldPassword { get; set; }
}
