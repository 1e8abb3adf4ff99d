using System.Text.Json.Serialization;
using Presence.Grains;

namespace Presence.Api;

/// <summary>R2's answer; <c>failed</c> (targets that were full) is present only when not empty.</summary>
internal sealed record SubscribeResponse(
    [property: JsonPropertyName("result"), JsonConverter(typeof(SubscribedPresenceListJsonConverter))] IReadOnlyList<SubscribedPresence> Result,
    [property: JsonPropertyName("failed"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Failed);
