using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary>Source-generated serialization of the accounts and contacts wire types (kept apart from <see cref="GatewayJsonContext"/>).</summary>
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = false, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(RegisterUsersRequest))]
[JsonSerializable(typeof(RegisterUserRequest))]
[JsonSerializable(typeof(ChangePasswordRequest))]
[JsonSerializable(typeof(UsersResponse))]
[JsonSerializable(typeof(ContactsListResponse))]
[JsonSerializable(typeof(PasswordTokenResponse))]
[JsonSerializable(typeof(ActionResponse))]
[JsonSerializable(typeof(SocketReplyFrame<List<string>>))]
[JsonSerializable(typeof(SocketReplyFrame<FriendsPresencePage>))]
internal sealed partial class AccountsJsonContext : JsonSerializerContext;
