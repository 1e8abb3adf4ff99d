using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary>Source-generated serialization of every wire type: no reflection per call.</summary>
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = false, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(ResultResponse))]
[JsonSerializable(typeof(PresenceListResponse))]
[JsonSerializable(typeof(SubscribeResponse))]
[JsonSerializable(typeof(SubscriptionListResponse))]
[JsonSerializable(typeof(AppTokenResponse))]
[JsonSerializable(typeof(UserTokenResponse))]
[JsonSerializable(typeof(SetPresenceRequest))]
[JsonSerializable(typeof(UsernamesRequest))]
[JsonSerializable(typeof(UnsubscribeRequest))]
[JsonSerializable(typeof(TokenRequest))]
[JsonSerializable(typeof(SocketRequest))]
[JsonSerializable(typeof(PresenceEventFrame))]
[JsonSerializable(typeof(SubscriptionEndedFrame))]
[JsonSerializable(typeof(SocketErrorFrame))]
[JsonSerializable(typeof(SocketReplyFrame<SocketPresenceDto>))]
[JsonSerializable(typeof(SocketReplyFrame<List<SocketPresenceDto>>))]
[JsonSerializable(typeof(SocketReplyFrame<List<SocketSubscribedDto>>))]
[JsonSerializable(typeof(SocketReplyFrame<string>))]
[JsonSerializable(typeof(AdminClusterResponse))]
[JsonSerializable(typeof(AdminWatchersResponse))]
[JsonSerializable(typeof(BenchCountResponse))]
[JsonSerializable(typeof(WebhookRulesResponse))]
[JsonSerializable(typeof(CallbackStorageResponse))]
internal sealed partial class GatewayJsonContext : JsonSerializerContext;
