using System.Buffers.Binary;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Presence.Api;

/// <summary>
/// Issues and verifies self-contained tokens, so any node verifies them without a database.
/// A token is the base64url text of <c>payload ‖ HMAC-SHA256(app signing key, payload)</c>, where the
/// payload is: version (1 byte, 1), kind (1 byte), expiry (Unix seconds, int64 big-endian),
/// application id (16 bytes, big-endian UUID), username length (1 byte) and username (UTF-8, user
/// tokens only). Signatures are compared in constant time; expiry is read from the injected clock.
/// </summary>
internal sealed class TokenService(TimeProvider timeProvider)
{
    /// <summary>Longest token text accepted; anything longer is rejected before decoding.</summary>
    public const int MaxTokenLength = 256;

    /// <summary>Lifetime when the request gives none or 0 (Easemob's default, 60 days).</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(60);

    /// <summary>Longest lifetime a token may be issued for (365 days).</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(365);

    private const byte FormatVersion = 1;
    private const int HeaderLength = 1 + 1 + 8 + 16 + 1;
    private const int MacLength = HMACSHA256.HashSizeInBytes;
    private static readonly long MaxUnixSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    public string Issue(PresenceApp app, TokenKind kind, string? username, TimeSpan lifetime, out DateTimeOffset expiresAt)
    {
        var name = username is null ? [] : Encoding.UTF8.GetBytes(username);
        if (name.Length > byte.MaxValue)
            throw new ArgumentException("The username is too long for a token.", nameof(username));
        expiresAt = timeProvider.GetUtcNow() + lifetime;

        var token = new byte[HeaderLength + name.Length + MacLength];
        var payload = token.AsSpan(0, HeaderLength + name.Length);
        payload[0] = FormatVersion;
        payload[1] = (byte)kind;
        BinaryPrimitives.WriteInt64BigEndian(payload[2..], expiresAt.ToUnixTimeSeconds());
        app.ApplicationId.TryWriteBytes(payload[10..], bigEndian: true, out _);
        payload[26] = (byte)name.Length;
        name.CopyTo(payload[HeaderLength..]);
        HMACSHA256.HashData(app.SigningKey, payload, token.AsSpan(payload.Length));
        return Base64Url.EncodeToString(token);
    }

    /// <summary>Verifies a token for <paramref name="app"/>: well-formed, signed with its key, its own, not expired.</summary>
    public bool TryValidate(PresenceApp app, ReadOnlySpan<char> text, [NotNullWhen(true)] out AccessToken? token)
    {
        token = null;
        if (text.IsEmpty || text.Length > MaxTokenLength)
            return false;

        Span<byte> buffer = stackalloc byte[Base64Url.GetMaxDecodedLength(MaxTokenLength)];
        if (Base64Url.DecodeFromChars(text, buffer, out _, out var length) != System.Buffers.OperationStatus.Done
            || length < HeaderLength + MacLength)
            return false;

        var bytes = buffer[..length];
        var payload = bytes[..^MacLength];
        if (!IsSignedByAnyKey(app, payload, bytes[^MacLength..]))
            return false;

        // Signed by this app's key: the payload is ours, but check it all the same.
        if (payload[0] != FormatVersion || payload.Length != HeaderLength + payload[26])
            return false;
        var kind = (TokenKind)payload[1];
        if (kind is not (TokenKind.App or TokenKind.User) || new Guid(payload[10..26], bigEndian: true) != app.ApplicationId)
            return false;
        var expiresAtSeconds = BinaryPrimitives.ReadInt64BigEndian(payload[2..]);
        if (expiresAtSeconds <= timeProvider.GetUtcNow().ToUnixTimeSeconds() || expiresAtSeconds > MaxUnixSeconds)
            return false;

        string? username = null;
        if (kind == TokenKind.User)
        {
            username = Encoding.UTF8.GetString(payload[HeaderLength..]);
            if (!PresenceValidation.IsValidUsername(username))
                return false;
        }
        token = new AccessToken(kind, username, DateTimeOffset.FromUnixTimeSeconds(expiresAtSeconds));
        return true;
    }

    /// <summary>Whether one of the app's keys (the current one first, then those of rotated secrets) made the MAC.</summary>
    private static bool IsSignedByAnyKey(PresenceApp app, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> mac)
    {
        Span<byte> expected = stackalloc byte[MacLength];
        foreach (var key in app.VerificationKeys)
        {
            HMACSHA256.HashData(key, payload, expected);
            if (CryptographicOperations.FixedTimeEquals(expected, mac))
                return true;
        }
        return false;
    }
}
