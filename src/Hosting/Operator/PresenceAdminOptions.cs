using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Presence.Hosting;

/// <summary>
/// The operator credential of the read-only admin routes (<c>/admin/…</c>) and, on silos, the Orleans dashboard
/// (<c>/dashboard</c>), bound from <c>Presence:Admin</c>: HTTP Basic (<see cref="Username"/> and <see cref="Password"/>)
/// and/or a header token (<see cref="Token"/> in <see cref="TokenHeader"/>). In Development, when none is configured,
/// the development credential <c>admin</c> / <c>admin-secret</c> is used (and logged at start); elsewhere, with none
/// configured, admin is off: the admin routes and the dashboard answer 404 like unknown routes.
/// </summary>
public sealed class PresenceAdminOptions
{
    public const string SectionName = "Presence:Admin";

    public const string DefaultTokenHeader = "X-Presence-Admin-Token";

    /// <summary>The realm of the <c>WWW-Authenticate</c> challenge of a refused admin request.</summary>
    public const string Realm = "presence-admin";

    public const string DevelopmentUsername = "admin";

    public const string DevelopmentPassword = "admin-secret";

    /// <summary>HTTP Basic user name; requires <see cref="Password"/>. Must not contain <c>:</c>.</summary>
    public string? Username { get; set; }

    /// <summary>HTTP Basic password; requires <see cref="Username"/>.</summary>
    public string? Password { get; set; }

    /// <summary>A token accepted in <see cref="TokenHeader"/>, alone or beside Basic.</summary>
    public string? Token { get; set; }

    /// <summary>The header carrying <see cref="Token"/>.</summary>
    public string TokenHeader { get; set; } = DefaultTokenHeader;

    /// <summary>Whether the credential is the development default (nothing was configured, Development).</summary>
    internal bool UsesDevelopmentCredential { get; set; }

    /// <summary>Whether Basic is configured.</summary>
    internal bool HasBasic => !string.IsNullOrEmpty(Username) && !string.IsNullOrEmpty(Password);

    /// <summary>Whether a header token is configured.</summary>
    internal bool HasToken => !string.IsNullOrEmpty(Token);

    /// <summary>Whether any credential is configured: admin routes and the dashboard are served only then.</summary>
    public bool IsEnabled => HasBasic || HasToken;

    /// <summary>Nothing at all was configured (the development default may apply).</summary>
    internal bool IsUnset => string.IsNullOrEmpty(Username) && string.IsNullOrEmpty(Password) && string.IsNullOrEmpty(Token);

    /// <summary>
    /// The same rule as the bound, post-configured options, readable while the host is being built (the silo adds the
    /// dashboard only when admin is on): a credential is configured under <c>Presence:Admin</c>, or the environment
    /// is Development.
    /// </summary>
    public static bool IsEnabledIn(IConfiguration configuration, IHostEnvironment environment)
    {
        var section = configuration.GetSection(SectionName);
        var configured = !string.IsNullOrEmpty(section[nameof(Username)]) || !string.IsNullOrEmpty(section[nameof(Password)])
            || !string.IsNullOrEmpty(section[nameof(Token)]);
        return configured || environment.IsDevelopment();
    }
}
