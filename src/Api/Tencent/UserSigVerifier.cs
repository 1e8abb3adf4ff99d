using System.Buffers;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Presence.Api;

/// <summary>
/// Verifies a Tencent UserSig (TLSSigAPIv2) without calling Tencent: the sig is base64 with Tencent's substitutions
/// (<c>*</c> for <c>+</c>, <c>-</c> for <c>/</c>, <c>_</c> for <c>=</c>) of a zlib stream of a JSON document
/// (<c>TLS.ver</c>, <c>TLS.identifier</c>, <c>TLS.sdkappid</c>, <c>TLS.time</c>, <c>TLS.expire</c>, optionally
/// <c>TLS.userbuf</c>, and <c>TLS.sig</c>: base64 HMAC-SHA256 with the app's secret key of the lines
/// <c>TLS.identifier:…\nTLS.sdkappid:…\nTLS.time:…\nTLS.expire:…\n</c>, plus <c>TLS.userbuf:…\n</c> when present).
/// Checks, in order: well-formed, the app's SDKAppID, the named identifier, the signature (constant-time), the expiry
/// on the injected clock. Sizes are bounded before any work, so a hostile sig costs little.
/// </summary>
internal sealed class UserSigVerifier(TimeProvider clock)
{
    /// <summary>Longest sig accepted (Tencent's are ~200 characters; long identifiers or a userbuf make them longer).</summary>
    public const int MaxSigLength = 2048;

    /// <summary>Largest JSON document accepted after inflating: a zlib bomb stops here.</summary>
    private const int MaxDocumentBytes = 4096;

    private static readonly long MaxUnixSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    /// <summary>Checks <paramref name="sig"/> for the app of <paramref name="credentials"/> and the user <paramref name="identifier"/> (compared exactly, as Tencent does).</summary>
    public UserSigCheck Verify(ReadOnlySpan<char> sig, TencentCredentials credentials, string identifier)
    {
        if (sig.IsEmpty)
            return new(UserSigVerdict.Empty, 0);
        if (sig.Length > MaxSigLength || !TryReadDocument(sig, out var document))
            return new(UserSigVerdict.Malformed, 0);
        if (document.SdkAppId != credentials.SdkAppId)
            return new(UserSigVerdict.SdkAppIdMismatch, 0);
        if (!string.Equals(document.Identifier, identifier, StringComparison.Ordinal))
            return new(UserSigVerdict.IdentifierMismatch, 0);

        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(credentials.Key, Encoding.UTF8.GetBytes(document.SignedContent()), expected);
        // A sig of the wrong length compares unequal like any other; FixedTimeEquals leaks only the length.
        if (!CryptographicOperations.FixedTimeEquals(expected, document.Signature))
            return new(UserSigVerdict.BadSignature, 0);

        var expiresAt = document.Time + document.Expire;
        if (expiresAt <= clock.GetUtcNow().ToUnixTimeSeconds())
            return new(UserSigVerdict.Expired, 0);
        return new(UserSigVerdict.Valid, expiresAt);
    }

    private static bool TryReadDocument(ReadOnlySpan<char> sig, out SigDocument document)
    {
        document = default;
        var compressed = ArrayPool<byte>.Shared.Rent(sig.Length);
        var inflated = ArrayPool<byte>.Shared.Rent(MaxDocumentBytes + 1);
        try
        {
            if (!TryDecodeBase64(sig, compressed, out var compressedLength)
                || !TryInflate(compressed.AsSpan(0, compressedLength), inflated, out var length)
                || !ChecksumMatches(compressed.AsSpan(0, compressedLength), inflated.AsSpan(0, length)))
                return false;
            return TryParse(inflated.AsSpan(0, length), out document);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(compressed);
            ArrayPool<byte>.Shared.Return(inflated);
        }
    }

    /// <summary>Undoes Tencent's substitutions, restores padding that some encoders drop, and decodes standard base64.</summary>
    private static bool TryDecodeBase64(ReadOnlySpan<char> sig, byte[] output, out int written)
    {
        written = 0;
        var padded = (sig.Length + 3) / 4 * 4;
        var text = ArrayPool<char>.Shared.Rent(padded);
        try
        {
            for (var i = 0; i < sig.Length; i++)
            {
                text[i] = sig[i] switch
                {
                    '*' => '+',
                    '-' => '/',
                    '_' => '=',
                    var c => c,
                };
            }
            text.AsSpan(sig.Length, padded - sig.Length).Fill('=');
            return Convert.TryFromBase64Chars(text.AsSpan(0, padded), output, out written) && written > 0;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(text);
        }
    }

    private static bool TryInflate(ReadOnlySpan<byte> compressed, byte[] output, out int length)
    {
        length = 0;
        try
        {
            using var source = new MemoryStream(compressed.ToArray(), writable: false);
            using var zlib = new ZLibStream(source, CompressionMode.Decompress);
            int read;
            while ((read = zlib.Read(output, length, output.Length - length)) > 0)
            {
                length += read;
                if (length > MaxDocumentBytes)
                    return false;
            }
            return length > 0;
        }
        catch (InvalidDataException)
        {
            return false; // not a zlib stream, or a corrupt one
        }
    }

    /// <summary>
    /// The stream's Adler-32 trailer matches what it inflated to. The inflater stops at the end of the deflate data and
    /// does not check it, so without this a sig with a changed trailer would still be accepted (harmlessly: the signed
    /// document is intact, but a changed sig should not pass).
    /// </summary>
    private static bool ChecksumMatches(ReadOnlySpan<byte> compressed, ReadOnlySpan<byte> inflated)
    {
        if (compressed.Length < 6)
            return false;
        const uint modulus = 65521;
        uint a = 1, b = 0;
        foreach (var value in inflated)
        {
            a = (a + value) % modulus;
            b = (b + a) % modulus;
        }
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(compressed[^4..]) == ((b << 16) | a);
    }

    private static bool TryParse(ReadOnlySpan<byte> json, out SigDocument document)
    {
        document = default;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 2 });
            using var parsed = JsonDocument.ParseValue(ref reader);
            var root = parsed.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !TryGetString(root, "TLS.identifier", out var identifier)
                || !TryGetInteger(root, "TLS.sdkappid", out var sdkAppId)
                || !TryGetInteger(root, "TLS.time", out var time)
                || !TryGetInteger(root, "TLS.expire", out var expire)
                || !TryGetString(root, "TLS.sig", out var signatureText))
                return false;
            string? userBuf = null;
            if (root.TryGetProperty("TLS.userbuf", out var userBufElement))
            {
                if (userBufElement.ValueKind != JsonValueKind.String)
                    return false;
                userBuf = userBufElement.GetString();
            }
            if (time < 0 || expire < 0 || time > MaxUnixSeconds - expire)
                return false;
            var signature = new byte[HMACSHA256.HashSizeInBytes];
            if (!Convert.TryFromBase64String(signatureText, signature, out var signatureLength))
                return false;
            document = new SigDocument(identifier, sdkAppId, time, expire, userBuf, signature.AsSpan(0, signatureLength).ToArray());
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool TryGetString(JsonElement root, string name, out string value)
    {
        value = "";
        if (!root.TryGetProperty(name, out var element) || element.ValueKind != JsonValueKind.String)
            return false;
        value = element.GetString()!;
        return true;
    }

    /// <summary>A JSON integer, or a string of digits (some of Tencent's libraries write the numbers as strings).</summary>
    private static bool TryGetInteger(JsonElement root, string name, out long value)
    {
        value = 0;
        if (!root.TryGetProperty(name, out var element))
            return false;
        return element.ValueKind switch
        {
            JsonValueKind.Number => element.TryGetInt64(out value),
            JsonValueKind.String => long.TryParse(element.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out value),
            _ => false,
        };
    }

    /// <summary>The fields of a decoded sig.</summary>
    private readonly record struct SigDocument(string Identifier, long SdkAppId, long Time, long Expire, string? UserBuf, byte[] Signature)
    {
        /// <summary>The text the HMAC covers, line by line as TLSSigAPIv2 writes it.</summary>
        public string SignedContent()
        {
            var content = string.Create(CultureInfo.InvariantCulture,
                $"TLS.identifier:{Identifier}\nTLS.sdkappid:{SdkAppId}\nTLS.time:{Time}\nTLS.expire:{Expire}\n");
            return UserBuf is null ? content : string.Concat(content, "TLS.userbuf:", UserBuf, "\n");
        }
    }
}
