using Presence.Grains;

namespace Presence.Api;

/// <summary>A presence event's frame as UTF-8 JSON, serialized once and written as is to every socket it goes to.</summary>
internal sealed class SerializedEventFrame(PresenceSnapshot presence)
{
    public ReadOnlyMemory<byte> Utf8 { get; } = SocketFrames.Serialize(SocketFrames.Event(presence));

    /// <summary>When the change was made, for the delivery-latency metric.</summary>
    public long ChangedAtUnixMs { get; } = presence.ChangedAtUnixMs;
}
