using System.Globalization;
using System.Security.Claims;

namespace Presence.Api;

internal static class PresenceClaimsPrincipalExtensions
{
    /// <summary>The token the token scheme authenticated, or null when the principal did not come from it.</summary>
    public static AccessToken? GetPresenceToken(this ClaimsPrincipal principal)
    {
        TokenKind? kind = principal.FindFirst(PresenceClaimTypes.TokenKind)?.Value switch
        {
            PresenceClaimTypes.AppTokenKind => TokenKind.App,
            PresenceClaimTypes.UserTokenKind => TokenKind.User,
            _ => null,
        };
        if (kind is null || principal.FindFirst(PresenceClaimTypes.ExpiresAt)?.Value is not { } expiresAt)
            return null;
        var username = principal.FindFirst(PresenceClaimTypes.Username)?.Value;
        return new AccessToken(kind.Value, username, DateTimeOffset.FromUnixTimeSeconds(long.Parse(expiresAt, CultureInfo.InvariantCulture)));
    }
}
