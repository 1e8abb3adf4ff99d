using Microsoft.Extensions.Logging;

namespace Presence.Grains;

/// <summary>
/// What one user does when its deadlines come (<see cref="WakeUpSchedule"/>): the timer's work, in an order where each
/// step sees what the previous one did, and the reminder's durable backstop. Presence changes only as every change does,
/// through the grain's turn: <paramref name="commit"/> (false: nothing changed), then <paramref name="publish"/>.
/// </summary>
/// <remarks>
/// No Orleans types: the grain's timer and reminder (<see cref="GrainWakeUps"/>) call in. <paramref name="disconnect"/>
/// drops a device whose lease ran out as a lost connection (timed out); <paramref name="keepAlive"/> follows the held
/// connections. Each commit names its cause for the webhooks (<see cref="WebhookCause"/>).
/// </remarks>
internal sealed class UserDeadlines(
    WakeUpSchedule schedule,
    PresenceDocument presence,
    DeviceSet devices,
    DeviceLifecycle lifecycle,
    TimeSpan leaseTimeout,
    TimeProvider clock,
    Func<Func<bool>, WebhookCause, Task<bool>> commit,
    Action publish,
    Func<string, IPresenceObserver, Task> disconnect,
    Func<Task> expireSubscriptions,
    Action keepAlive,
    string grainKey,
    ILogger logger)
{
    /// <summary>The timer fired with <paramref name="due"/>.</summary>
    public async Task RunAsync(WakeUp due)
    {
        if (due.HasFlag(WakeUp.PublishWindow))
            publish();
        if (due.HasFlag(WakeUp.LeaseCheck))
            await ExpireLeasesAsync();
        if (due.HasFlag(WakeUp.OrphanCheck))
            await CheckConnectionsAsync();
        if (due.HasFlag(WakeUp.SubscriptionExpiry))
            await expireSubscriptions();
        if (due.HasFlag(WakeUp.ExtGrace))
            await ClearExtAfterGraceAsync();
        if (due.HasFlag(WakeUp.ReconnectGrace))
            await EndReconnectGraceAsync();
    }

    /// <summary>The reminder ticked: every durable deadline is checked (each finds nothing when not due).</summary>
    public async Task CheckDurableAsync()
    {
        await expireSubscriptions();
        await ClearExtAfterGraceAsync();
        await CheckConnectionsAsync();
    }

    /// <summary>Drops devices whose lease ran out (their process died): their resources go offline, as if lost.</summary>
    private async Task ExpireLeasesAsync()
    {
        var expired = devices.ExpiredLeases(leaseTimeout);
        if (expired.Count == 0)
            return;
        logger.LogLeasesExpired(grainKey, expired.Count);
        foreach (var (resource, device) in expired)
            await disconnect(resource, device);
    }

    /// <summary>Resources held by connections that no registered device holds go offline, as lost (after the reconnect time).</summary>
    private async Task CheckConnectionsAsync()
    {
        if (!schedule.CheckConnections(clock.GetUtcNow()))
            return; // a fresh activation: reconnecting devices still have time
        var orphans = lifecycle.Orphans();
        if (await commit(() => presence.SetLost(orphans), WebhookCause.TimedOut))
        {
            logger.LogOrphansOffline(grainKey, orphans.Count);
            publish();
        }
    }

    /// <summary>Dropped connections whose grace ended go offline as of the drop; held again when that cannot be stored.</summary>
    private async Task EndReconnectGraceAsync()
    {
        var ended = lifecycle.TakeEndedGraces(clock.GetUtcNow());
        try
        {
            if (await commit(() => presence.SetLostAt(ended), WebhookCause.Disconnect(logout: false)))
                publish();
        }
        catch
        {
            lifecycle.HoldAgain(ended);
            throw;
        }
        keepAlive();
    }

    private async Task ClearExtAfterGraceAsync()
    {
        if (await commit(presence.ClearExtIfDue, default))
        {
            logger.LogExtClearedAfterGrace(grainKey);
            publish();
        }
    }
}
