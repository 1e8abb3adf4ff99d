using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary>The process that answered <c>GET /admin/cluster</c>: its open WebSockets and the events it wrote to them since it started.</summary>
internal sealed record AdminGatewayDto(
    [property: JsonPropertyName("open_sockets")] long OpenSockets,
    [property: JsonPropertyName("events_delivered")] long EventsDelivered);
