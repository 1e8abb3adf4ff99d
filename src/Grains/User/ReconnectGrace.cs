namespace Presence.Grains;

/// <summary>
/// Resources whose connection dropped (not a logout) and that stay online for a grace period, so that a device that
/// comes back in time — a flaky mobile network, a gateway restart — shows its watchers no offline/online pair. A
/// resource whose grace ends goes offline with <c>last_time</c> at the moment its connection dropped.
/// </summary>
/// <remarks>
/// Memory only: a held resource stays online and held by a connection in the stored state, so if the activation ends
/// during the grace the next one treats it as an orphan (<see cref="PresenceLimits.OrphanedConnectionTimeout"/>).
/// </remarks>
internal sealed class ReconnectGrace(TimeSpan grace)
{
    private Dictionary<string, DateTimeOffset>? _dropped;

    /// <summary>Zero (the default) keeps the old rule: a dropped connection is offline at once.</summary>
    public bool IsEnabled => grace > TimeSpan.Zero;

    public int Count => _dropped?.Count ?? 0;

    /// <summary>When the earliest grace ends; null when nothing is held.</summary>
    public DateTimeOffset? Due
    {
        get
        {
            DateTimeOffset? earliest = null;
            foreach (var droppedAt in (_dropped ?? []).Values)
            {
                if (earliest is null || droppedAt < earliest)
                    earliest = droppedAt;
            }
            return earliest + grace;
        }
    }

    public bool IsHeld(string resource) => _dropped?.ContainsKey(resource) == true;

    /// <summary>The connection of <paramref name="resource"/> dropped at <paramref name="droppedAt"/>: held (true) when a grace is set.</summary>
    public bool Hold(string resource, DateTimeOffset droppedAt)
    {
        if (!IsEnabled)
            return false;
        (_dropped ??= new(StringComparer.Ordinal))[resource] = droppedAt;
        return true;
    }

    /// <summary>A device connects with <paramref name="resource"/>: true when it comes back within its grace.</summary>
    public bool Resume(string resource) => _dropped?.Remove(resource) == true;

    /// <summary>The resources whose grace ended by <paramref name="now"/>, with when each dropped; they are no longer held.</summary>
    public List<(string Resource, DateTimeOffset DroppedAt)> TakeExpired(DateTimeOffset now)
    {
        List<(string, DateTimeOffset)>? expired = null;
        foreach (var (resource, droppedAt) in _dropped ?? [])
        {
            if (droppedAt + grace <= now)
                (expired ??= []).Add((resource, droppedAt));
        }
        foreach (var (resource, _) in expired ?? [])
            _dropped!.Remove(resource);
        return expired ?? [];
    }
}
