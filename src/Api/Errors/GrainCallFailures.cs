using Orleans.Runtime;
using Orleans.Runtime.Messaging;
using Orleans.Storage;
using Presence.Grains;

namespace Presence.Api;

/// <summary>
/// The one rule for which grain-call failures mean "try again later" (answered 503) rather than a bug (500): named types
/// only, each caused by no client. Anything else, an unexpected exception included, is a 500.
/// </summary>
internal static class GrainCallFailures
{
    /// <summary>
    /// True when <paramref name="exception"/> or one it wraps is a storage outage (<see cref="StorageUnavailableException"/>,
    /// the one type the silo's storage throws for it; Orleans wraps it when an activation could not load its state), a
    /// timeout, or the cluster's own failure: a silo died or is stopping or a message was rejected
    /// (<see cref="OrleansMessageRejectionException"/>, <see cref="SiloUnavailableException"/> among them), a connection
    /// to a silo failed or a gateway was too busy, or a stale activation was fenced (<see cref="InconsistentStateException"/>,
    /// which Orleans deactivates; see <see cref="IsRetryable"/>).
    /// </summary>
    public static bool IsUnavailable(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is StorageUnavailableException or TimeoutException or OrleansMessageRejectionException
                or ConnectionFailedException or GatewayTooBusyException or InconsistentStateException)
                return true;
        }
        return false;
    }

    /// <summary>
    /// Failures after which the same call, sent again, reaches a fresh activation: the silo holding the grain died
    /// or was stopping, or the activation was fenced as a stale duplicate (Orleans deactivates it).
    /// </summary>
    public static bool IsRetryable(Exception exception) =>
        exception is InconsistentStateException or SiloUnavailableException or OrleansMessageRejectionException
        || exception.InnerException is InconsistentStateException;

    /// <summary>
    /// How long the retry waits. Sent at once, it went where the first attempt went: a silo stopping after SIGTERM
    /// rejects calls ("Silo stopping") until it exits, and the gateway keeps routing through it until then, so during a
    /// rolling update an immediate retry was rejected too and answered 503 (tests/Cluster.Tests, SIGTERM under load).
    /// </summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Runs an idempotent grain call, once more (after <see cref="RetryDelay"/>) if the first attempt hit a dead or
    /// stopping silo or a fenced activation. All five REST routes and the socket operations are idempotent (they set,
    /// not add).
    /// </summary>
    public static async Task<T> RetryOnceAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception exception) when (IsRetryable(exception))
        {
            await Task.Delay(RetryDelay);
            return await call();
        }
    }

    public static Task RetryOnceAsync(Func<Task> call) => RetryOnceAsync(async () =>
    {
        await call();
        return true;
    });
}
