using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary>The stored failed callbacks of an app (<c>count</c>, and per rule for info), or how many a retry re-queued.</summary>
internal sealed record CallbackStorageData(
    [property: JsonPropertyName("count")] long Count,
    [property: JsonPropertyName("rules"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<CallbackStorageRuleDto>? Rules);
