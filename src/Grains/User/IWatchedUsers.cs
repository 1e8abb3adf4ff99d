namespace Presence.Grains;

/// <summary>The users one user watches, as its <see cref="SubscriptionWriter"/> calls them (each awaited).</summary>
internal interface IWatchedUsers
{
    /// <summary>Asks the target keyed <paramref name="key"/> (<c>{org}/{app}/{username}</c>) to admit the request's subscriber.</summary>
    ValueTask<WatchResult> AdmitAsync(string key, WatchRequest request);

    /// <summary>Tells <paramref name="target"/> (a bare username) that this user no longer watches it.</summary>
    Task ReleaseAsync(string target);
}
