using System.Text.Json.Serialization;

namespace Presence.Api;

/// <summary>R1's body: <c>{"ext":"…"}</c>; <c>ext</c> is required, <c>""</c> allowed.</summary>
internal sealed class SetPresenceRequest
{
    [JsonPropertyName("ext")]
    public string? Ext { get; set; }
}
