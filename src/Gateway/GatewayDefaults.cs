namespace Presence.Gateway;

internal static class GatewayDefaults
{
    /// <summary>Where <c>dotnet run --project src/Gateway</c> listens when no URL is configured: beside a default silo (5080).</summary>
    public const string Url = "http://localhost:5081";
}
