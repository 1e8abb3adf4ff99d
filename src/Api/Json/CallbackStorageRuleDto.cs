using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary>The failed callbacks of one rule: how many, and when the oldest and newest failed (Unix ms).</summary>
internal sealed record CallbackStorageRuleDto(
    [property: JsonPropertyName("rule")] string Rule,
    [property: JsonPropertyName("count")] long Count,
    [property: JsonPropertyName("oldest")] long? Oldest,
    [property: JsonPropertyName("newest")] long? Newest);
