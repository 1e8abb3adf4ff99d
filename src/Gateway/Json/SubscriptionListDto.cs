using System.Text.Json.Serialization;

namespace Presence.Orleans.Gateway;

/// <summary>R5's page: <c>totalnum</c> (a string) counts every live subscription, <c>sublist</c> is this page.</summary>
internal sealed record SubscriptionListDto(
    [property: JsonPropertyName("totalnum"), JsonNumberHandling(JsonNumberHandling.WriteAsString)] int TotalNum,
    [property: JsonPropertyName("sublist")] IReadOnlyList<SubscriptionDto> Sublist);
