using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary>One app's figures in <c>GET /admin/cluster</c>: <c>app</c> is <c>{org}/{app}</c>.</summary>
internal sealed record AdminAppDto(
    [property: JsonPropertyName("app")] string App,
    [property: JsonPropertyName("online_users")] long OnlineUsers,
    [property: JsonPropertyName("connected_devices")] long ConnectedDevices);
