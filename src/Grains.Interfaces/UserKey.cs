using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace Presence.Grains;

/// <summary>
/// The grain key of a user: <c>{org}/{app}/{username}</c>, all lower-case. The tenant prefix keeps apps
/// apart: nothing keyed under one app is reachable from another.
/// </summary>
public readonly record struct UserKey(string Org, string App, string Username)
{
    public const int MaxUsernameBytes = 64;

    private static readonly SearchValues<char> UsernameChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.");

    /// <summary>A username of docs/api.md#tenants-users-and-resources: 1–64 bytes of <c>A-Z a-z 0-9 _ - .</c> (all ASCII, so bytes = characters).</summary>
    public static bool IsValidUsername([NotNullWhen(true)] string? value) =>
        value is { Length: > 0 and <= MaxUsernameBytes }
        && value.AsSpan().IndexOfAnyExcept(UsernameChars) < 0;

    public static UserKey Create(string org, string app, string username) =>
        new(org.ToLowerInvariant(), app.ToLowerInvariant(), username.ToLowerInvariant());

    /// <summary>A user of the same app.</summary>
    public UserKey WithUsername(string username) => new(Org, App, username.ToLowerInvariant());

    public static bool TryParse(string key, [NotNullWhen(true)] out UserKey? userKey)
    {
        var parts = key.Split('/');
        userKey = parts.Length == 3 && parts.All(p => p.Length > 0) ? new UserKey(parts[0], parts[1], parts[2]) : null;
        return userKey is not null;
    }

    public static UserKey Parse(string key) =>
        TryParse(key, out var userKey) ? userKey.Value : throw new FormatException($"'{key}' is not a user key (org/app/username).");

    public override string ToString() => $"{Org}/{App}/{Username}";
}
