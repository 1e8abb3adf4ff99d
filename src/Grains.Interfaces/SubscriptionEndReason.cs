namespace Presence.Grains;

/// <summary>Why a subscription ended without the subscriber asking (the <c>subscription_ended</c> reasons).</summary>
[GenerateSerializer, Alias("presence.SubscriptionEndReason")]
public enum SubscriptionEndReason
{
    /// <summary>Its expiry instant passed.</summary>
    Expired,
    /// <summary>The subscriber went over its subscription cap and this one had the least time left.</summary>
    Evicted,
    /// <summary>The watched user's account was deleted.</summary>
    Deleted,
}
