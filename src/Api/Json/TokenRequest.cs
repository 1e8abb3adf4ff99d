using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary>Body of <c>POST /{org}/{app}/token</c> for both grants (Easemob's fields).</summary>
internal sealed class TokenRequest
{
    [JsonPropertyName("grant_type")]
    public string? GrantType { get; set; }

    [JsonPropertyName("client_id")]
    public string? ClientId { get; set; }

    [JsonPropertyName("client_secret")]
    public string? ClientSecret { get; set; }

    [JsonPropertyName("username")]
    public string? Username { get; set; }

    /// <summary>The <c>password</c> grant's password (Easemob's web SDK also sends a <c>timestamp</c>, ignored).</summary>
    [JsonPropertyName("password")]
    public string? Password { get; set; }

    /// <summary>Lifetime in seconds; absent or 0 means the default (60 days).</summary>
    [JsonPropertyName("ttl")]
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public long? Ttl { get; set; }
}
