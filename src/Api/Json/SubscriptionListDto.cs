using System.Text.Json.Serialization;
using Presence.Grains;

namespace Presence.Api;

/// <summary>
/// R5's page: <c>totalnum</c> (a string) counts every live subscription, <c>sublist</c> is this page, the grain's entries
/// as they are (<see cref="SubscriptionListJsonConverter"/>).
/// </summary>
internal sealed record SubscriptionListDto(
    [property: JsonPropertyName("totalnum"), JsonNumberHandling(JsonNumberHandling.WriteAsString)] int TotalNum,
    [property: JsonPropertyName("sublist"), JsonConverter(typeof(SubscriptionListJsonConverter))] IReadOnlyList<SubscriptionEntry> Sublist);
