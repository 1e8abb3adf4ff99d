using System.Text.Json;
using Presence.Grains;

namespace Presence.Api;

/// <summary>Builds the protocol's frames from grain records and serializes them with the source-generated context.</summary>
internal static class SocketFrames
{
    public static PresenceEventFrame Event(PresenceSnapshot p, bool timing = false) =>
        new(p.Uid, StatusType(p.StatusType), p.Status, p.Ext, p.LastTime, p.Version)
        {
            ChangedAtUnixMs = p.ChangedAtUnixMs,
            ChangedAt = timing && p.ChangedAtUnixMs > 0 ? p.ChangedAtUnixMs : null,
        };

    public static SocketPresenceDto Presence(PresenceSnapshot p) =>
        new(p.Uid, StatusType(p.StatusType), p.Status, p.Ext, p.LastTime, p.Version);

    public static SocketSubscribedDto Subscribed(SubscribedPresence s) =>
        new(s.Presence.Uid, StatusType(s.Presence.StatusType), s.Presence.Status, s.Presence.Ext, s.Presence.LastTime, s.Presence.Version, s.Expiry);

    public static SubscriptionEndedFrame Ended(string uid, SubscriptionEndReason reason) =>
        new(uid, reason switch
        {
            SubscriptionEndReason.Expired => "expired",
            SubscriptionEndReason.Evicted => "evicted",
            SubscriptionEndReason.Deleted => "deleted",
            _ => reason.ToString().ToLowerInvariant(),
        });

    public static string StatusType(PresenceStatusType type) => type switch
    {
        PresenceStatusType.Online => "online",
        PresenceStatusType.Offline => "offline",
        _ => "unlogined",
    };

    /// <summary>UTF-8 JSON of a frame; every frame type is known to <see cref="GatewayJsonContext"/>.</summary>
    public static byte[] Serialize(object frame) => frame switch
    {
        PresenceEventFrame f => JsonSerializer.SerializeToUtf8Bytes(f, GatewayJsonContext.Default.PresenceEventFrame),
        SubscriptionEndedFrame f => JsonSerializer.SerializeToUtf8Bytes(f, GatewayJsonContext.Default.SubscriptionEndedFrame),
        SocketErrorFrame f => JsonSerializer.SerializeToUtf8Bytes(f, GatewayJsonContext.Default.SocketErrorFrame),
        SocketReplyFrame<SocketPresenceDto> f => JsonSerializer.SerializeToUtf8Bytes(f, GatewayJsonContext.Default.SocketReplyFrameSocketPresenceDto),
        SocketReplyFrame<List<SocketPresenceDto>> f => JsonSerializer.SerializeToUtf8Bytes(f, GatewayJsonContext.Default.SocketReplyFrameListSocketPresenceDto),
        SocketReplyFrame<List<SocketSubscribedDto>> f => JsonSerializer.SerializeToUtf8Bytes(f, GatewayJsonContext.Default.SocketReplyFrameListSocketSubscribedDto),
        SocketReplyFrame<string> f => JsonSerializer.SerializeToUtf8Bytes(f, GatewayJsonContext.Default.SocketReplyFrameString),
        SocketReplyFrame<List<string>> f => JsonSerializer.SerializeToUtf8Bytes(f, AccountsJsonContext.Default.SocketReplyFrameListString),
        SocketReplyFrame<FriendsPresencePage> f => JsonSerializer.SerializeToUtf8Bytes(f, AccountsJsonContext.Default.SocketReplyFrameFriendsPresencePage),
        _ => throw new ArgumentException($"{frame.GetType().Name} is not a socket frame.", nameof(frame)),
    };

}
