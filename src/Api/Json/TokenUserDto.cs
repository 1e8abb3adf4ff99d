using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary>The user a user token was issued for. Users need no registration, so every user is activated.</summary>
internal sealed record TokenUserDto(
    [property: JsonPropertyName("uuid")] string Uuid,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("username")] string Username,
    [property: JsonPropertyName("activated")] bool Activated);
