using System.Security.Cryptography;
using System.Text;

namespace Presence.Api;

/// <summary>
/// A configured app, ready to serve: its stable application id and the key that signs its tokens,
/// derived from the client secret (HKDF-SHA256), so every node with the same configuration verifies
/// the same tokens and a new secret revokes the old ones.
/// </summary>
internal sealed class PresenceApp
{
    private static readonly Guid ApplicationNamespace = new("3c1f6a52-8d0e-4b7a-9f1e-5a2b7c4d9e01");
    private static readonly byte[] KeySalt = "presence-orleans/access-token/v1"u8.ToArray();

    private readonly byte[] _clientIdHash;
    private readonly byte[] _clientSecretHash;

    public PresenceApp(PresenceAppOptions options)
    {
        Org = options.Org.ToLowerInvariant();
        App = options.App.ToLowerInvariant();
        Key = $"{Org}/{App}";
        ApplicationId = NameBasedGuid(ApplicationNamespace, Key);
        _clientIdHash = SHA256.HashData(Encoding.UTF8.GetBytes(options.ClientId));
        _clientSecretHash = SHA256.HashData(Encoding.UTF8.GetBytes(options.ClientSecret));
        SigningKey = DeriveKey(options.ClientSecret, options.ClientId);
        VerificationKeys = [SigningKey, .. options.PreviousClientSecrets.Select(secret => DeriveKey(secret, options.ClientId))];
        if (options.Tencent is { SdkAppId: { } sdkAppId, SecretKey: { } secretKey } tencent)
            Tencent = new TencentCredentials(sdkAppId, secretKey, tencent.AdminIdentifier);
    }

    /// <summary>Lower-case org name.</summary>
    public string Org { get; }

    /// <summary>Lower-case app name.</summary>
    public string App { get; }

    /// <summary><c>{org}/{app}</c>, lower-case: the tenant prefix of grain keys and the rate-limit partition.</summary>
    public string Key { get; }

    /// <summary>The <c>application</c> of app-token responses: a UUID derived from org and app, stable across nodes and restarts.</summary>
    public Guid ApplicationId { get; }

    /// <summary>HMAC-SHA256 key of the tokens this app issues now.</summary>
    public byte[] SigningKey { get; }

    /// <summary>Keys a token of this app may be signed with: <see cref="SigningKey"/> first, then those of previous secrets.</summary>
    public IReadOnlyList<byte[]> VerificationKeys { get; }

    /// <summary>The app's Tencent SDKAppID and key when configured: its users may then sign in with a UserSig.</summary>
    public TencentCredentials? Tencent { get; }

    /// <summary>Compares both credentials in constant time (hashes of equal length, no early exit).</summary>
    public bool ClientCredentialsMatch(string clientId, string clientSecret)
    {
        Span<byte> id = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> secret = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(clientId), id);
        SHA256.HashData(Encoding.UTF8.GetBytes(clientSecret), secret);
        return CryptographicOperations.FixedTimeEquals(id, _clientIdHash)
             & CryptographicOperations.FixedTimeEquals(secret, _clientSecretHash);
    }

    /// <summary>The <c>uuid</c> of a user of this app, derived from the application id and the username.</summary>
    public Guid UserUuid(string username) => NameBasedGuid(ApplicationId, username);

    private byte[] DeriveKey(string secret, string clientId) =>
        HKDF.DeriveKey(
            HashAlgorithmName.SHA256,
            Encoding.UTF8.GetBytes(secret),
            outputLength: 32,
            salt: KeySalt,
            info: Encoding.UTF8.GetBytes($"{Key}/{clientId}"));

    /// <summary>A name-based UUID (RFC 9562 version 8, SHA-256 of namespace and name).</summary>
    private static Guid NameBasedGuid(Guid ns, string name)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[16 + nameBytes.Length];
        ns.TryWriteBytes(input, bigEndian: true, out _);
        nameBytes.CopyTo(input, 16);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(input, hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80); // version 8
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC variant
        return new Guid(hash[..16], bigEndian: true);
    }
}
