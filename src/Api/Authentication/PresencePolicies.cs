namespace Presence.Api;

/// <summary>The gateway's authorization policies, named for <c>RequireAuthorization</c>.</summary>
internal static class PresencePolicies
{
    /// <summary>A valid token of the route's app, app or user token (<c>/ping</c>).</summary>
    public const string Token = "Presence.Token";

    /// <summary>
    /// A valid token of the route's app that may act on the route's <c>{username}</c>: an app token, or that user's own
    /// token (the presence routes R1–R5; another user's token is forbidden).
    /// </summary>
    public const string SelfOrApp = "Presence.SelfOrApp";

    /// <summary>A user token of the route's app, for the user of the <c>username</c> query when given (the socket route).</summary>
    public const string SocketUser = "Presence.SocketUser";

    /// <summary>The app administrator's UserSig of Tencent's REST routes (<c>/v4/openim/…</c>).</summary>
    public const string TencentAdmin = "Presence.TencentAdmin";

    /// <summary>The operator credential (the admin routes, the bench routes and a silo's dashboard).</summary>
    public const string Operator = "Presence.Operator";
}
