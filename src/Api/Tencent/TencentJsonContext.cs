using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary>
/// Source-generated serialization of Tencent's bodies, apart from <see cref="GatewayJsonContext"/>: Tencent names its
/// fields in PascalCase and its routes write through <see cref="TencentResult"/>, never through the Easemob writer.
/// </summary>
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = false, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(TencentErrorResponse))]
[JsonSerializable(typeof(QueryOnlineStatusResponse))]
internal sealed partial class TencentJsonContext : JsonSerializerContext;
