namespace Presence.Hosting;

public static class HostStopping
{
    /// <summary>
    /// Whether <paramref name="exception"/> only says that a stop was requested while the host was still starting
    /// (SIGTERM to a process waiting for its database or cluster): a requested stop, exit 0, not a crash. Services
    /// start concurrently, so the cancellations may come wrapped in an <see cref="AggregateException"/>.
    /// </summary>
    /// <param name="stopping">The host's <c>ApplicationStopping</c>, taken before the run: a host that failed to start
    /// is disposed by the time an exception filter runs.</param>
    public static bool IsRequestedStop(CancellationToken stopping, Exception exception) =>
        stopping.IsCancellationRequested && IsCancellation(exception);

    private static bool IsCancellation(Exception exception) => exception switch
    {
        OperationCanceledException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsCancellation),
        _ => false,
    };
}
