namespace Presence.Api;

/// <summary>
/// An app's Tencent IM identity (<c>Presence:Apps:N:Tencent</c>): with it, UserSigs made with Tencent's algorithm
/// (TLSSigAPIv2) for this SDKAppID and key are accepted as user credentials on the socket, and the administrator's on
/// Tencent's REST route (docs/api.md#tencent-interop).
/// </summary>
public sealed class TencentAppOptions
{
    public const string DefaultAdminIdentifier = "administrator";

    /// <summary>The SDKAppID the sigs are made for (Tencent's are 32-bit unsigned numbers, e.g. 1400000000); it also finds the app on the REST route.</summary>
    public long? SdkAppId { get; set; }

    /// <summary>The secret key the sigs are signed with (the key shown in Tencent's console). Never logged.</summary>
    [Redact]
    public string? SecretKey { get; set; }

    /// <summary>The identifier whose UserSig may call the REST route (Tencent's App administrator).</summary>
    public string AdminIdentifier { get; set; } = DefaultAdminIdentifier;
}
