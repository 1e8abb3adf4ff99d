using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Presence.Grains;

namespace Presence.Api;

/// <summary>The input rules of docs/api.md#tenants-users-and-resources, shared by every route.</summary>
internal static class PresenceValidation
{
    public const int MaxResourceBytes = 64;
    public const int MaxStatusBytes = 64;

    /// <inheritdoc cref="UserKey.IsValidUsername"/>
    public static bool IsValidUsername([NotNullWhen(true)] string? value) => UserKey.IsValidUsername(value);

    /// <summary>1–64 bytes of <c>A-Z a-z 0-9 _ -</c>: <c>{device type}_{resource id}</c> or a bare device type.</summary>
    public static bool IsValidResource(string? value) =>
        value is { Length: > 0 and <= MaxResourceBytes }
        && value.AsSpan().IndexOfAnyExcept(ResourceChars) < 0;

    /// <summary>1–64 UTF-8 bytes of well-formed text without control characters ("0", "1" or a custom status).</summary>
    public static bool IsValidStatus(string? value) =>
        value is { Length: > 0 }
        && IsWellFormedText(value)
        && Encoding.UTF8.GetByteCount(value) <= MaxStatusBytes;

    public static bool IsExtTooBig(string ext, int maxBytes) => Encoding.UTF8.GetByteCount(ext) > maxBytes;

    /// <summary>A decimal integer made of digits only (no sign, spaces or exponent) that fits an <see cref="int"/>.</summary>
    public static bool TryParseInteger(string? text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    /// <summary>No control characters and no lone surrogates.</summary>
    private static bool IsWellFormedText(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsControl(c) || char.IsLowSurrogate(c))
                return false;
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1]))
                    return false;
                i++;
            }
        }
        return true;
    }

    private static readonly SearchValues<char> ResourceChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");
}
