using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Presence.Diagnostics;

/// <summary>
/// The project's own meter (<see cref="MeterName"/>) and activity source, shared by silos (grains) and gateways
/// (sockets, REST). Names follow the OpenTelemetry semantic conventions where one exists and carry the
/// <c>presence.</c> prefix otherwise. Static, as Orleans' and ASP.NET Core's own instruments are: the meter
/// listener (OpenTelemetry) decides what is collected; an instrument nobody listens to costs a branch.
/// The per-app gauges are also readable in process (<see cref="Apps"/>), for the admin routes' cluster view.
/// </summary>
public static class PresenceMetrics
{
    public const string MeterName = "Presence.Orleans";

    /// <summary>The activity source of the project's own spans (a socket operation, the fan-out of a change).</summary>
    public const string ActivitySourceName = "Presence.Orleans";

    /// <summary>The tag naming the tenant: <c>{org}/{app}</c>.</summary>
    public const string AppTag = "presence.app";

    public static readonly ActivitySource ActivitySource = new(ActivitySourceName, "1.0.0");

    private static readonly Meter Meter = new(MeterName, "1.0.0");
    private static readonly ConcurrentDictionary<string, AppGauges> AppGaugesByApp = new(StringComparer.Ordinal);
    private static long _changes;
    private static long _eventsDelivered;

    private static readonly Counter<long> Changes = Meter.CreateCounter<long>(
        "presence.changes", "{change}", "Presence changes committed by user grains (a status, ext or login change).");

    private static readonly Counter<long> EventsDelivered = Meter.CreateCounter<long>(
        "presence.events.delivered", "{event}", "Presence events written to WebSockets.");

    private static readonly Histogram<double> DeliveryLatency = Meter.CreateHistogram(
        "presence.event.delivery.duration", "s",
        "Change-to-delivery latency: from the change committed in the user's grain to its frame handed to the socket " +
        "(wall clocks of two processes on a cluster).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });

    private static readonly Counter<long> SocketsOpened = Meter.CreateCounter<long>(
        "presence.websocket.opened", "{connection}", "WebSocket connections accepted.");

    private static readonly Counter<long> SocketsClosed = Meter.CreateCounter<long>(
        "presence.websocket.closed", "{connection}", "WebSocket connections closed, by close code (presence.close_code).");

    private static readonly Counter<long> SubscriptionsAdded = Meter.CreateCounter<long>(
        "presence.subscriptions.added", "{subscription}", "Subscriptions created or renewed (R2 and socket subscribe).");

    private static readonly Counter<long> SubscriptionsEnded = Meter.CreateCounter<long>(
        "presence.subscriptions.ended", "{subscription}", "Subscriptions ended, by reason (presence.reason: expired, evicted, unsubscribed).");

    private static readonly Counter<long> RateLimitRejections = Meter.CreateCounter<long>(
        "presence.rate_limit.rejections", "{request}", "Requests refused with 429, by route (http.route; socket operations as ws:{op}).");

    private static readonly Counter<long> StorageErrors = Meter.CreateCounter<long>(
        "presence.storage.errors", "{error}", "Storage operations that failed for an outage (the client got a 503), by backend (presence.operation: postgres, for grain state, subscription rows and reminders alike).");

    static PresenceMetrics()
    {
        Meter.CreateObservableUpDownCounter("presence.users.online", static () => Observe(static g => g.OnlineUsers),
            "{user}", "Users with at least one resource online, among the grains active in this silo.");
        Meter.CreateObservableUpDownCounter("presence.devices.connected", static () => Observe(static g => g.Devices),
            "{device}", "Devices (resources) with a live real-time connection, among the grains active in this silo.");
        Meter.CreateObservableUpDownCounter("presence.websocket.active", static () => Observe(static g => g.Sockets),
            "{connection}", "WebSockets open on this process.");
    }

    /// <summary>Changes committed in this process since it started (a silo's figure).</summary>
    public static long TotalChanges => Interlocked.Read(ref _changes);

    /// <summary>Events written to sockets by this process since it started (a gateway's figure).</summary>
    public static long TotalEventsDelivered => Interlocked.Read(ref _eventsDelivered);

    /// <summary>This process's per-app gauges now, for the admin cluster view.</summary>
    public static IReadOnlyList<AppActivity> Apps() =>
        AppGaugesByApp.Select(static p => new AppActivity(p.Key, Volatile.Read(ref p.Value.OnlineUsers),
                Volatile.Read(ref p.Value.Devices), Volatile.Read(ref p.Value.Sockets)))
            .OrderBy(static a => a.App, StringComparer.Ordinal)
            .ToList();

    public static void UserOnlineChanged(string app, bool online) => Interlocked.Add(ref Gauges(app).OnlineUsers, online ? 1 : -1);

    public static void DevicesChanged(string app, int delta)
    {
        if (delta != 0)
            Interlocked.Add(ref Gauges(app).Devices, delta);
    }

    public static void PresenceChanged(string app)
    {
        Interlocked.Increment(ref _changes);
        Changes.Add(1, new KeyValuePair<string, object?>(AppTag, app));
    }

    /// <param name="changedAtUnixMs">When the change was committed (the snapshot's stamp), 0 when unknown.</param>
    public static void EventDelivered(long changedAtUnixMs, long nowUnixMs)
    {
        Interlocked.Increment(ref _eventsDelivered);
        EventsDelivered.Add(1);
        if (changedAtUnixMs > 0 && DeliveryLatency.Enabled)
            DeliveryLatency.Record(Math.Max(0, nowUnixMs - changedAtUnixMs) / 1000.0);
    }

    public static void SocketOpened(string app)
    {
        Interlocked.Increment(ref Gauges(app).Sockets);
        SocketsOpened.Add(1, new KeyValuePair<string, object?>(AppTag, app));
    }

    public static void SocketClosed(string app, int closeCode)
    {
        Interlocked.Decrement(ref Gauges(app).Sockets);
        SocketsClosed.Add(1, new KeyValuePair<string, object?>(AppTag, app), new KeyValuePair<string, object?>("presence.close_code", closeCode));
    }

    public static void SubscriptionsAddedBy(int count)
    {
        if (count > 0)
            SubscriptionsAdded.Add(count);
    }

    /// <param name="reason">expired, evicted or unsubscribed.</param>
    public static void SubscriptionsEndedBy(int count, string reason)
    {
        if (count > 0)
            SubscriptionsEnded.Add(count, new KeyValuePair<string, object?>("presence.reason", reason));
    }

    public static void RateLimitRejected(string route) =>
        RateLimitRejections.Add(1, new KeyValuePair<string, object?>("http.route", route));

    public static void StorageFailed(string operation) =>
        StorageErrors.Add(1, new KeyValuePair<string, object?>("presence.operation", operation));

    private static AppGauges Gauges(string app) => AppGaugesByApp.GetOrAdd(app, static _ => new AppGauges());

    private static IEnumerable<Measurement<long>> Observe(Func<AppGauges, long> read)
    {
        foreach (var (app, gauges) in AppGaugesByApp)
            yield return new Measurement<long>(read(gauges), new KeyValuePair<string, object?>(AppTag, app));
    }

    private sealed class AppGauges
    {
        public long OnlineUsers;
        public long Devices;
        public long Sockets;
    }
}

/// <summary>One app's live figures in one process.</summary>
[GenerateSerializer, Immutable, Alias("presence.AppActivity")]
public sealed record AppActivity(
    [property: Id(0)] string App,
    [property: Id(1)] long OnlineUsers,
    [property: Id(2)] long ConnectedDevices,
    [property: Id(3)] long OpenSockets);
