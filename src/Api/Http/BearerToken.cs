using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Presence.Api;

/// <summary>Reads <c>Authorization: Bearer &lt;token&gt;</c> (one header, scheme case-insensitive).</summary>
internal static class BearerToken
{
    private const string Scheme = "Bearer ";

    public static bool TryRead(HttpRequest request, out ReadOnlySpan<char> token)
    {
        token = default;
        var values = request.Headers[HeaderNames.Authorization];
        if (values.Count != 1 || values[0] is not { } header
            || header.Length <= Scheme.Length
            || !header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
            return false;
        token = header.AsSpan(Scheme.Length).Trim();
        return !token.IsEmpty;
    }
}
