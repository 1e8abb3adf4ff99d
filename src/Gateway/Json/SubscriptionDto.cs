using System.Text.Json.Serialization;

namespace Presence.Orleans.Gateway;

/// <summary>One live subscription of R5; <c>expiry</c> is a string of Unix seconds.</summary>
internal sealed record SubscriptionDto(
    [property: JsonPropertyName("uid")] string Uid,
    [property: JsonPropertyName("expiry"), JsonNumberHandling(JsonNumberHandling.WriteAsString)] long Expiry);
