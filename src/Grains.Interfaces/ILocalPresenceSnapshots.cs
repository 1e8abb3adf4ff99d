using System.Diagnostics.CodeAnalysis;

namespace Presence.Grains;

/// <summary>
/// The latest snapshot of every user whose grain is active in this process, published by the grain itself after each
/// committed change and withdrawn when it deactivates. A silo's co-hosted API answers reads (R3, the socket's query)
/// from it without a grain call; a miss — a user active on another silo, or not active at all, and always in a
/// gateway process, which hosts no grains — falls back to the grain call. A hit is what the grain would have answered:
/// the snapshot is published before the write that produced it is acknowledged, so reads on this silo see every
/// acknowledged change.
/// </summary>
public interface ILocalPresenceSnapshots
{
    bool TryGet(UserKey user, [NotNullWhen(true)] out PresenceSnapshot? snapshot);
}

/// <summary>A process without grains (a gateway): every read goes to the grain.</summary>
public sealed class NoLocalPresenceSnapshots : ILocalPresenceSnapshots
{
    public bool TryGet(UserKey user, [NotNullWhen(true)] out PresenceSnapshot? snapshot)
    {
        snapshot = null;
        return false;
    }
}
