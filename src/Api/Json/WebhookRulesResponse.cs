using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary><c>GET /admin/webhooks</c>: every configured rule with its health.</summary>
internal sealed record WebhookRulesResponse([property: JsonPropertyName("rules")] IReadOnlyList<WebhookRuleDto> Rules);
