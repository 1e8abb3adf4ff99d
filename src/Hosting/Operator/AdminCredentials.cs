using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Presence.Hosting;

/// <summary>
/// The one check of the operator credential (<see cref="PresenceAdminOptions"/>): HTTP Basic or the header token. The
/// configured secrets are kept as SHA-256 hashes; a presented value is hashed too and compared with
/// <see cref="CryptographicOperations.FixedTimeEquals"/>, so neither its content nor its length shows in the timing.
/// </summary>
internal sealed class AdminCredentials
{
    private const int MaxHeaderLength = 1024;

    private readonly byte[]? _basicHash;
    private readonly byte[]? _tokenHash;

    public AdminCredentials(IOptions<PresenceAdminOptions> options)
    {
        var admin = options.Value;
        IsEnabled = admin.IsEnabled;
        TokenHeader = admin.TokenHeader;
        if (admin.HasBasic)
            _basicHash = SHA256.HashData(Encoding.UTF8.GetBytes($"{admin.Username}:{admin.Password}"));
        if (admin.HasToken)
            _tokenHash = SHA256.HashData(Encoding.UTF8.GetBytes(admin.Token!));
    }

    /// <summary>Whether a credential is configured; without one, admin routes and the dashboard do not exist.</summary>
    public bool IsEnabled { get; }

    public string TokenHeader { get; }

    /// <summary>Whether the request carries the credential: <c>Authorization: Basic base64(user:pass)</c> or the token header.</summary>
    public bool IsAuthorized(HttpRequest request)
    {
        var ok = false;
        if (_tokenHash is not null && request.Headers.TryGetValue(TokenHeader, out var tokens) && tokens.Count == 1
            && tokens[0] is { Length: > 0 and <= MaxHeaderLength } token)
            ok |= Matches(Encoding.UTF8.GetBytes(token), _tokenHash);
        if (_basicHash is not null && TryReadBasic(request, out var userPass))
            ok |= Matches(userPass, _basicHash);
        return ok;
    }

    private static bool Matches(ReadOnlySpan<byte> presented, byte[] expectedHash)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(presented, hash);
        return CryptographicOperations.FixedTimeEquals(hash, expectedHash);
    }

    /// <summary>The decoded <c>user:pass</c> bytes of a Basic <c>Authorization</c> header.</summary>
    private static bool TryReadBasic(HttpRequest request, out byte[] userPass)
    {
        userPass = [];
        if (!request.Headers.TryGetValue(HeaderNames.Authorization, out var values) || values.Count != 1
            || values[0] is not { Length: > 6 and <= MaxHeaderLength } header
            || !header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
            return false;
        var encoded = header.AsSpan(6).Trim();
        var decoded = new byte[(encoded.Length / 4 + 1) * 3];
        if (!Convert.TryFromBase64Chars(encoded, decoded, out var written))
            return false;
        userPass = decoded[..written];
        return Array.IndexOf(userPass, (byte)':') > 0;
    }
}
