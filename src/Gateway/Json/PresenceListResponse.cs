using System.Text.Json.Serialization;

namespace Presence.Orleans.Gateway;

/// <summary>R3's answer: <c>{"result":[…]}</c>.</summary>
internal sealed record PresenceListResponse([property: JsonPropertyName("result")] IReadOnlyList<PresenceDto> Result);
