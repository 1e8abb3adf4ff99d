using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Presence.Api;

/// <summary>
/// Reads a Tencent UserSig offered as a device's credential on the socket route (docs/websocket.md#connecting):
/// <c>Authorization: UserSig &lt;sig&gt;</c>, or the <c>userSig</c> query when there is no <c>Authorization</c> header
/// (browsers cannot set one on a WebSocket); the user is named by the <c>userID</c> query (Tencent's name), else by
/// <c>username</c>. Only on routes marked with <see cref="AccessTokenQueryMetadata"/>.
/// </summary>
internal static class UserSigCredential
{
    public const string Scheme = "UserSig";
    public const string SigQuery = "userSig";
    public const string UserIdQuery = "userID";

    private const string SchemePrefix = Scheme + " ";

    /// <summary>The sig and the identifier it claims to be for; false when no UserSig is offered.</summary>
    public static bool TryRead(HttpRequest request, out string sig, out string identifier)
    {
        sig = "";
        identifier = "";
        var authorization = request.Headers[HeaderNames.Authorization];
        if (authorization.Count > 0)
        {
            if (authorization is not [{ } header] || !header.StartsWith(SchemePrefix, StringComparison.OrdinalIgnoreCase))
                return false;
            sig = header[SchemePrefix.Length..].Trim();
        }
        else if (request.Query[SigQuery] is [{ } query])
        {
            sig = query;
        }
        else
        {
            return false;
        }
        identifier = request.Query[UserIdQuery] is [{ } userId] ? userId
            : request.Query[SocketUserRequirement.UsernameQuery] is [{ } username] ? username
            : "";
        return true;
    }
}
