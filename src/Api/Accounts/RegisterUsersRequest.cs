using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary>The body of <c>POST /{org}/{app}/users</c>: one user object, or an array of them (a batch).</summary>
[JsonConverter(typeof(RegisterUsersRequestConverter))]
internal sealed record RegisterUsersRequest(List<RegisterUserRequest?> Users, bool IsBatch);
