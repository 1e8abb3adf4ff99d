namespace Presence.Api;

/// <summary>A verified token: its kind, its user (user tokens only, lower-case) and when it expires.</summary>
internal sealed record AccessToken(TokenKind Kind, string? Username, DateTimeOffset ExpiresAt)
{
    /// <summary>Whether this token may act on <paramref name="username"/> (any user for app tokens).</summary>
    public bool MayActAs(string username) =>
        Kind == TokenKind.App || string.Equals(Username, username, StringComparison.OrdinalIgnoreCase);
}
