using System.Text;

namespace Presence.Api;

/// <summary>An app's Tencent identity, ready to verify UserSigs: its SDKAppID, the secret key's bytes and its administrator.</summary>
internal sealed class TencentCredentials(long sdkAppId, string secretKey, string adminIdentifier)
{
    public long SdkAppId { get; } = sdkAppId;

    /// <summary>The HMAC-SHA256 key of TLSSigAPIv2: the secret key's text as UTF-8, as Tencent's libraries use it.</summary>
    public byte[] Key { get; } = Encoding.UTF8.GetBytes(secretKey);

    /// <summary>The identifier whose UserSig may call the REST route (Tencent's "App 管理员").</summary>
    public string AdminIdentifier { get; } = adminIdentifier;

    public override string ToString() => $"Tencent SDKAppID {SdkAppId}"; // never the key
}
