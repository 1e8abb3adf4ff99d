namespace Presence.Orleans.Gateway;

/// <summary>Who is calling, set by the endpoint filters: the app of the route and, once authenticated, the token.</summary>
internal sealed class PresenceCaller(PresenceApp app)
{
    public PresenceApp App { get; } = app;

    public AccessToken? Token { get; set; }
}
