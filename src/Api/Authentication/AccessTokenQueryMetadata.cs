namespace Presence.Api;

/// <summary>
/// Marks a route whose token may also come in the <c>access_token</c> query when there is no <c>Authorization</c> header:
/// the socket route, as browsers cannot set headers on a WebSocket. Elsewhere a token in the URL is not read. The same
/// routes take a Tencent UserSig in place of a user token (<see cref="UserSigCredential"/>), in a header or the query.
/// </summary>
internal sealed class AccessTokenQueryMetadata
{
    public const string QueryName = "access_token";

    public static readonly AccessTokenQueryMetadata Instance = new();

    private AccessTokenQueryMetadata()
    {
    }
}
