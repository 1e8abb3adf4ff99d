namespace Presence.Api;

/// <summary>
/// The apps served by this gateway, bound from <c>Presence:Apps</c> (a list of
/// <see cref="PresenceAppOptions"/>). In Development, when the list is empty, one development app is
/// added (<see cref="DevelopmentApp"/>); other environments have no default.
/// </summary>
public sealed class PresenceAppsOptions
{
    public const string SectionName = "Presence";

    public List<PresenceAppOptions> Apps { get; set; } = [];

    /// <summary>Whether <see cref="Apps"/> holds only the development default (nothing was configured).</summary>
    internal bool UsesDevelopmentApp { get; set; }

    /// <summary>The app served in Development when none is configured.</summary>
    public static PresenceAppOptions DevelopmentApp() => new()
    {
        Org = "demo",
        App = "demo",
        ClientId = "demo-client",
        ClientSecret = "demo-secret",
    };
}
