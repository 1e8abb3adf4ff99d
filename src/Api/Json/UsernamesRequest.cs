using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary>R2's and R3's body: <c>{"usernames":[…]}</c>.</summary>
internal sealed class UsernamesRequest
{
    [JsonPropertyName("usernames")]
    public List<string?>? Usernames { get; set; }
}
