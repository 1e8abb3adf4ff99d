using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary>Answer of the users routes (Easemob's envelope): <c>entities</c>, and for a batch the users not created in <c>data</c>.</summary>
internal sealed record UsersResponse(
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("application")] string Application,
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("uri")] string Uri,
    [property: JsonPropertyName("entities")] List<UserEntityDto> Entities,
    [property: JsonPropertyName("data"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] List<RegisterFailureDto>? Data,
    [property: JsonPropertyName("timestamp")] long Timestamp,
    [property: JsonPropertyName("duration")] long Duration,
    [property: JsonPropertyName("organization")] string Organization,
    [property: JsonPropertyName("applicationName")] string ApplicationName,
    [property: JsonPropertyName("count"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Count = null);
