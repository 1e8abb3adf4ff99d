using System.Text.Json.Serialization;
using Presence.Webhooks;

namespace Presence.Storage;

/// <summary>The outbox's <c>data</c> column: an event as JSON, source-generated (enums as names, so a reader can tell them).</summary>
[JsonSourceGenerationOptions(UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WebhookEvent))]
internal sealed partial class WebhookEventJson : JsonSerializerContext;
