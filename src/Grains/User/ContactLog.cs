using Microsoft.Extensions.Logging;

namespace Presence.Grains;

/// <summary>What the user grain logs about contacts and deletion, keyed by the grain key.</summary>
internal static partial class ContactLog
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "{GrainKey} added contact {Friend}: {Change}")]
    public static partial void LogContactAdded(this ILogger logger, string grainKey, string friend, ContactChange change);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{GrainKey} removed contact {Friend}: {Change}")]
    public static partial void LogContactRemoved(this ILogger logger, string grainKey, string friend, ContactChange change);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{GrainKey}: telling {Friend} of a contact change failed; it learns at its next activation")]
    public static partial void LogContactCallFailed(this ILogger logger, Exception exception, string grainKey, string friend);

    [LoggerMessage(Level = LogLevel.Information, Message = "{GrainKey} deleted: {SubscriptionCount} subscriptions, {WatcherCount} subscribers, {ContactCount} contacts removed")]
    public static partial void LogUserDeleted(this ILogger logger, string grainKey, int subscriptionCount, int watcherCount, int contactCount);
}
