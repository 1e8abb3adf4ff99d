using Microsoft.Extensions.Logging;

namespace Presence.Grains;

/// <summary>What the user grain logs, keyed by the grain key.</summary>
internal static partial class UserPresenceLog
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Activated {GrainKey} with {SubscriptionCount} subscriptions and {WatcherCount} watchers")]
    public static partial void LogActivated(this ILogger logger, string grainKey, int subscriptionCount, int watcherCount);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{GrainKey} set {Resource} to {Status} (version {Version})")]
    public static partial void LogStatusChanged(this ILogger logger, string grainKey, string resource, string status, long version);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{GrainKey} subscribed to {SubscribedCount} users, {FailedCount} full, {EvictedCount} evicted")]
    public static partial void LogSubscribed(this ILogger logger, string grainKey, int subscribedCount, int failedCount, int evictedCount);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{GrainKey} unsubscribed from {Count} users")]
    public static partial void LogUnsubscribed(this ILogger logger, string grainKey, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{GrainKey} ended {Count} subscriptions: {Reason}")]
    public static partial void LogSubscriptionsEnded(this ILogger logger, string grainKey, int count, SubscriptionEndReason reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{GrainKey} refused watcher {Subscriber}: {WatcherCount} watchers already")]
    public static partial void LogWatcherRejected(this ILogger logger, string grainKey, string subscriber, int watcherCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{GrainKey}: call to target {Target} failed")]
    public static partial void LogTargetCallFailed(this ILogger logger, Exception exception, string grainKey, string target);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{GrainKey}: device {Resource} connected ({DeviceCount} connected)")]
    public static partial void LogDeviceConnected(this ILogger logger, string grainKey, string resource, int deviceCount);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{GrainKey}: device {Resource} came back within its reconnect grace")]
    public static partial void LogDeviceResumed(this ILogger logger, string grainKey, string resource);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{GrainKey}: device {Resource} disconnected (logout: {Logout}; {DeviceCount} connected)")]
    public static partial void LogDeviceDisconnected(this ILogger logger, string grainKey, string resource, bool logout, int deviceCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "{GrainKey}: a new connection replaced the device of {Resource}")]
    public static partial void LogDeviceReplaced(this ILogger logger, string grainKey, string resource);

    [LoggerMessage(Level = LogLevel.Information, Message = "{GrainKey}: {Count} devices were not renewed in time (their process died); their resources go offline")]
    public static partial void LogLeasesExpired(this ILogger logger, string grainKey, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "{GrainKey}: {Count} resources held by connections that no longer exist went offline")]
    public static partial void LogOrphansOffline(this ILogger logger, string grainKey, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{GrainKey}: ext cleared after the grace period")]
    public static partial void LogExtClearedAfterGrace(this ILogger logger, string grainKey);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{GrainKey}: the wake-up reminder could not be changed; its next tick settles it")]
    public static partial void LogReminderNotChanged(this ILogger logger, Exception exception, string grainKey);

    [LoggerMessage(Level = LogLevel.Trace, Message = "{GrainKey}: version {Version} sent to own devices and {WatcherCount} connected watchers")]
    public static partial void LogFannedOut(this ILogger logger, string grainKey, long version, int watcherCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{GrainKey} received unknown reminder {ReminderName}; unregistering it")]
    public static partial void LogUnknownReminder(this ILogger logger, string grainKey, string reminderName);

}
