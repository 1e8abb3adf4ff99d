namespace Presence.Grains;

/// <summary>The subscriptions a subscribe ends: the expired ones it did not renew, and the ones evicted past the cap.</summary>
internal sealed record SubscribePlan(List<string> Expired, HashSet<string> Evicted)
{
    /// <summary>Every target whose row goes.</summary>
    public IEnumerable<string> Ended => Expired.Concat(Evicted);
}
