using System.Diagnostics;
using System.Text.Json;

namespace Presence.Testing;

/// <summary>A frame a WebSocket client received, and when (a <see cref="Stopwatch"/> timestamp).</summary>
public sealed record ReceivedFrame(JsonElement Frame, long ReceivedAt)
{
    public string? Type => Frame.TryGetProperty("type", out var type) ? type.GetString() : null;

    public bool IsPresenceOf(string uid) => Type == "presence" && Frame.GetProperty("uid").GetString() == uid;

    public long Version => Frame.GetProperty("version").GetInt64();

    public string Ext => Frame.GetProperty("ext").GetString()!;

    public string? StatusOf(string resource) =>
        Frame.GetProperty("status").TryGetProperty(resource, out var status) ? status.GetString() : null;
}
