using System.Text.Json.Serialization;
using Presence.Grains;

namespace Presence.Api;

/// <summary>R3's answer: <c>{"result":[…]}</c>, the grains' snapshots as they are (<see cref="PresenceListJsonConverter"/>).</summary>
internal sealed record PresenceListResponse(
    [property: JsonPropertyName("result"), JsonConverter(typeof(PresenceListJsonConverter))] IReadOnlyList<PresenceSnapshot> Result);
