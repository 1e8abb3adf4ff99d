using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary>The answer of a bench route: how many sockets were written to, or grains activated.</summary>
internal sealed record BenchCountResponse([property: JsonPropertyName("count")] int Count);
