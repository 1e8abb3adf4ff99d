using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary>An account that could not be answered, and why (a Tencent error code).</summary>
internal sealed record TencentAccountError([property: JsonPropertyName("To_Account")] string ToAccount, int ErrorCode);
