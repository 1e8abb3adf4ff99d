using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary>R4's body: a bare array <c>["u1",…]</c> or <c>{"users":[…]}</c>. <see cref="Users"/> is null when absent.</summary>
[JsonConverter(typeof(UnsubscribeRequestConverter))]
internal sealed class UnsubscribeRequest
{
    public List<string?>? Users { get; set; }
}
