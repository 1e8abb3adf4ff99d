using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary><c>GET /admin/apps/{org}/{app}/users/{username}/watchers</c>: how many live subscriptions target the user.</summary>
internal sealed record AdminWatchersResponse([property: JsonPropertyName("count")] int Count);
