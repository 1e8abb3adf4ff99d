using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary>R5's answer: <c>{"result":{"totalnum":"…","sublist":[…]}}</c>.</summary>
internal sealed record SubscriptionListResponse([property: JsonPropertyName("result")] SubscriptionListDto Result);
