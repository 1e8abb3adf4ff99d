using Orleans.Runtime;

namespace Presence.Grains;

/// <summary>
/// Whether two references name the same connection (<see cref="IPresenceObserver"/>) or process (<see cref="IPresenceHub"/>):
/// the same grain id. Each call through Orleans makes a new reference object, so reference equality is not enough.
/// </summary>
internal sealed class GrainIdentityComparer : IEqualityComparer<IPresenceObserver>, IEqualityComparer<IPresenceHub>
{
    public static readonly GrainIdentityComparer Instance = new();

    public bool Equals(IPresenceObserver? x, IPresenceObserver? y) => SameGrain(x, y);

    public int GetHashCode(IPresenceObserver obj) => obj.GetGrainId().GetHashCode();

    public bool Equals(IPresenceHub? x, IPresenceHub? y) => SameGrain(x, y);

    public int GetHashCode(IPresenceHub obj) => obj.GetGrainId().GetHashCode();

    private static bool SameGrain(IAddressable? x, IAddressable? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && x.GetGrainId() == y.GetGrainId());
}
