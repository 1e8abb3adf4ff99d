using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary>
/// <c>GET /admin/cluster</c>: every silo that is not dead with its figures, the figures summed per app and in total, and
/// this process's own (the one that answered). A console polling it computes events per second from successive
/// <c>totals.changes</c> and <c>gateway.events_delivered</c>.
/// </summary>
internal sealed record AdminClusterResponse(
    [property: JsonPropertyName("silos")] IReadOnlyList<AdminSiloDto> Silos,
    [property: JsonPropertyName("apps")] IReadOnlyList<AdminAppDto> Apps,
    [property: JsonPropertyName("totals")] AdminTotalsDto Totals,
    [property: JsonPropertyName("gateway")] AdminGatewayDto Gateway,
    [property: JsonPropertyName("generated_at")] DateTimeOffset GeneratedAt);
