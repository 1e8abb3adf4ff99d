using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary>
/// One account's status: <c>Online</c> when any of its devices is, else <c>Offline</c>; with <c>IsNeedDetail</c>, its
/// online devices by platform (absent when there is none, as Tencent answers for an offline account).
/// </summary>
internal sealed record TencentAccountStatus(
    [property: JsonPropertyName("To_Account")] string ToAccount,
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<TencentPlatformStatus>? Detail);
