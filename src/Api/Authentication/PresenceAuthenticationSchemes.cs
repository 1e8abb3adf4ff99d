namespace Presence.Api;

/// <summary>The gateway's authentication schemes.</summary>
internal static class PresenceAuthenticationSchemes
{
    /// <summary>App and user tokens of the route's app (<see cref="PresenceTokenHandler"/>).</summary>
    public const string Token = "PresenceToken";

    /// <summary>The administrator's UserSig on Tencent's REST routes (<see cref="TencentAdminHandler"/>).</summary>
    public const string TencentAdmin = "TencentAdmin";

    /// <summary>The operator credential of the admin routes and the dashboard (<see cref="AdminAuthenticationHandler"/>).</summary>
    public const string Operator = "PresenceOperator";
}
