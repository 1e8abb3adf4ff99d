using System.Net.WebSockets;

namespace Presence.Api;

/// <summary>
/// Close codes the server sends (RFC 6455 §7.4 and the 4000–4999 range for applications). docs/websocket.md#close-codes lists
/// them with what a client should do; a client reconnects after all but <see cref="Logout"/> and
/// <see cref="TokenExpired"/> (which needs a new token).
/// </summary>
internal static class SocketCloseCodes
{
    /// <summary>1000, after a <c>logout</c> request (or echoing the client's own clean close).</summary>
    public const WebSocketCloseStatus Logout = WebSocketCloseStatus.NormalClosure;

    /// <summary>1001, the server is shutting down.</summary>
    public const WebSocketCloseStatus GoingAway = WebSocketCloseStatus.EndpointUnavailable;

    /// <summary>1003, a binary frame: the protocol is JSON text.</summary>
    public const WebSocketCloseStatus BinaryFrame = WebSocketCloseStatus.InvalidMessageType;

    /// <summary>1008, too many malformed frames in a row.</summary>
    public const WebSocketCloseStatus PolicyViolation = WebSocketCloseStatus.PolicyViolation;

    /// <summary>1009, a message over <see cref="PresenceSocketOptions.MaxMessageBytes"/>.</summary>
    public const WebSocketCloseStatus MessageTooBig = WebSocketCloseStatus.MessageTooBig;

    /// <summary>1011, the server failed.</summary>
    public const WebSocketCloseStatus InternalError = WebSocketCloseStatus.InternalServerError;

    /// <summary>1012 (service restart): the user's grain moved or restarted; reconnect.</summary>
    public const WebSocketCloseStatus ServiceRestart = (WebSocketCloseStatus)1012;

    /// <summary>4000, another connection logged in with the same resource.</summary>
    public const WebSocketCloseStatus Replaced = (WebSocketCloseStatus)4000;

    /// <summary>4001, the token expired; reconnect with a new one.</summary>
    public const WebSocketCloseStatus TokenExpired = (WebSocketCloseStatus)4001;

    /// <summary>4002, the client did not read its frames fast enough and its send queue filled.</summary>
    public const WebSocketCloseStatus SendQueueFull = (WebSocketCloseStatus)4002;

    /// <summary>4003, the user's account was deleted: do not reconnect.</summary>
    public const WebSocketCloseStatus UserDeleted = (WebSocketCloseStatus)4003;

    /// <summary>The close description (client → server) that makes a clean close a logout.</summary>
    public const string LogoutDescription = "logout";
}
