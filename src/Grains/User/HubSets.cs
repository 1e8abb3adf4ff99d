namespace Presence.Grains;

/// <summary>Sets of processes (<see cref="IPresenceHub"/>), compared as sets.</summary>
internal static class HubSets
{
    /// <summary>Whether two hub sets name the same processes (null equals null only).</summary>
    public static bool Same(IPresenceHub[]? a, IPresenceHub[]? b, IEqualityComparer<IPresenceHub> comparer)
    {
        if (ReferenceEquals(a, b))
            return true;
        if (a is null || b is null || a.Length != b.Length)
            return false;
        foreach (var hub in a)
        {
            if (!Array.Exists(b, h => comparer.Equals(h, hub)))
                return false;
        }
        return true;
    }
}
