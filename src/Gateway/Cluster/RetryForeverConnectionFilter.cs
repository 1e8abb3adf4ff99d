namespace Presence.Gateway;

/// <summary>
/// A gateway started before the silos (or while the database is down) keeps trying to connect instead of failing
/// its start: it is live meanwhile, and ready once connected.
/// </summary>
internal sealed partial class RetryForeverConnectionFilter(ILogger<RetryForeverConnectionFilter> logger) : IClientConnectionRetryFilter
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        LogRetrying(exception.Message);
        await Task.Delay(RetryDelay, cancellationToken);
        return !cancellationToken.IsCancellationRequested;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot connect to the cluster yet ({Reason}); retrying")]
    private partial void LogRetrying(string reason);
}
