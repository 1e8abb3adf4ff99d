using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary>A user as Easemob's REST API shows it (<c>entities</c> of the users and contacts routes, <c>user</c> of the password grant).</summary>
internal sealed record UserEntityDto(
    [property: JsonPropertyName("uuid")] string Uuid,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("modified")] long Modified,
    [property: JsonPropertyName("username")] string Username,
    [property: JsonPropertyName("activated")] bool Activated,
    [property: JsonPropertyName("nickname"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Nickname);
