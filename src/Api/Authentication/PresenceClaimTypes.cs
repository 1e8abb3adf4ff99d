namespace Presence.Api;

/// <summary>The claims of the gateway's principals; read a token back with <see cref="PresenceClaimsPrincipalExtensions.GetPresenceToken"/>.</summary>
internal static class PresenceClaimTypes
{
    /// <summary>The token's org, lower-case.</summary>
    public const string Org = "presence/org";

    /// <summary>The token's app, lower-case.</summary>
    public const string App = "presence/app";

    /// <summary>The user of a user token, lower-case (also the identity's name); absent for app tokens.</summary>
    public const string Username = "presence/username";

    /// <summary>What the token may do: <see cref="AppTokenKind"/> or <see cref="UserTokenKind"/>.</summary>
    public const string TokenKind = "presence/token_kind";

    /// <summary>When the token expires, in Unix seconds (a connection is closed then).</summary>
    public const string ExpiresAt = "presence/expires_at";

    public const string AppTokenKind = "app";

    public const string UserTokenKind = "user";

    /// <summary>The role of a request carrying the operator credential.</summary>
    public const string OperatorRole = "presence-operator";
}
