namespace Presence.Orleans.Grains;

/// <summary>Why a subscription ended without the subscriber asking (the <c>subscription_ended</c> reasons).</summary>
internal enum SubscriptionEndReason
{
    Expired,
    Evicted,
}
