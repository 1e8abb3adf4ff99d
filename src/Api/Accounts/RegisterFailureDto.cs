using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary>A user of a batch registration that was not created (Easemob: listed in <c>data</c>).</summary>
internal sealed record RegisterFailureDto(
    [property: JsonPropertyName("username")] string Username,
    [property: JsonPropertyName("registerUserFailReason")] string RegisterUserFailReason);
