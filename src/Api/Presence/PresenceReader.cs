using Presence.Grains;

namespace Presence.Api;

/// <summary>
/// Reads users' presence: from this silo's published snapshots where their grains are active here, and by a grain
/// call (retried once, as every idempotent call) for the others. The calls go out together and are awaited in order.
/// </summary>
internal static class PresenceReader
{
    /// <summary>One read per user, in order; a hit is already complete, a miss is the grain call in flight.</summary>
    public static Task<PresenceSnapshot>[] Start(IGrainFactory grains, ILocalPresenceSnapshots local, IReadOnlyList<UserKey> users)
    {
        var reads = new Task<PresenceSnapshot>[users.Count];
        for (var i = 0; i < reads.Length; i++)
        {
            var user = users[i];
            reads[i] = local.TryGet(user, out var snapshot)
                ? Task.FromResult(snapshot)
                : GrainCallFailures.RetryOnceAsync(() => grains.GetUserGrain(user).GetPresenceAsync());
        }
        return reads;
    }
}
