using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary>
/// One silo of <c>GET /admin/cluster</c>. <c>status</c> is Orleans' membership status (Active, Joining, ShuttingDown, …).
/// The figures (<c>activations</c>, <c>changes</c>, <c>apps</c>) are null when <c>answered</c> is false: the silo is
/// not active or did not answer in time.
/// </summary>
internal sealed record AdminSiloDto(
    [property: JsonPropertyName("address")] string Address,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("host")] string? Host,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("answered")] bool Answered,
    [property: JsonPropertyName("activations")] int? Activations,
    [property: JsonPropertyName("changes")] long? Changes,
    [property: JsonPropertyName("apps")] IReadOnlyList<AdminAppDto>? Apps);
