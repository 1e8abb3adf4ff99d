using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary>One webhook rule and its health in <c>GET /admin/webhooks</c>.</summary>
internal sealed record WebhookRuleDto(
    [property: JsonPropertyName("rule")] string Rule,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("events")] string Events,
    [property: JsonPropertyName("batch")] bool Batch,
    [property: JsonPropertyName("enabled")] bool Enabled,
    [property: JsonPropertyName("paused")] bool Paused,
    [property: JsonPropertyName("last_success")] DateTimeOffset? LastSuccess,
    [property: JsonPropertyName("last_failure")] DateTimeOffset? LastFailure,
    [property: JsonPropertyName("failures_in_window")] int FailuresInWindow,
    [property: JsonPropertyName("suspended_until")] DateTimeOffset? SuspendedUntil,
    [property: JsonPropertyName("queue_depth")] long QueueDepth,
    [property: JsonPropertyName("sender")] string? Sender);
