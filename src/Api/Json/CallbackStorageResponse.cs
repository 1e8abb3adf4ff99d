using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary>
/// The answer of <c>GET /{org}/{app}/callbacks/storage/info</c> and <c>POST …/retry</c>, in Easemob's envelope:
/// <c>{"action","application","data":{…},"timestamp"}</c>.
/// </summary>
internal sealed record CallbackStorageResponse(
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("application")] Guid Application,
    [property: JsonPropertyName("data")] CallbackStorageData Data,
    [property: JsonPropertyName("timestamp")] long Timestamp);
