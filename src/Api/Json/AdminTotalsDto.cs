using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary>The cluster's totals over the silos that answered: <c>changes</c> since each silo started.</summary>
internal sealed record AdminTotalsDto(
    [property: JsonPropertyName("changes")] long Changes,
    [property: JsonPropertyName("online_users")] long OnlineUsers,
    [property: JsonPropertyName("connected_devices")] long ConnectedDevices);
