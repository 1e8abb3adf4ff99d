namespace Presence.Grains;

/// <summary>
/// Where one change goes (<see cref="WatcherBook.PlanFanOut"/>): one message per process and chunk of watchers there,
/// and one per watcher grain for watchers whose devices have no hub. <see cref="EndedCount"/> connected watchers were
/// found with their subscription ended and are no longer counted as connected.
/// </summary>
internal sealed record FanOutPlan(List<HubBatch> HubDeliveries, List<string> ThroughGrains, int EndedCount)
{
    public static readonly FanOutPlan Nobody = new([], [], 0);
}

/// <summary>The watchers one process gets a change for.</summary>
internal readonly record struct HubBatch(IPresenceHub Hub, string[] Watchers);
