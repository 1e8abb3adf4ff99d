using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Presence.Diagnostics;

namespace Presence.Api;

/// <summary>
/// The webhook sender's instruments, on the project's meter (<see cref="PresenceMetrics.MeterName"/>), tagged by rule
/// (<c>presence.webhook.rule</c>, <c>{org}/{app}/{name}</c>).
/// </summary>
internal static class WebhookMetrics
{
    public const string RuleTag = "presence.webhook.rule";

    private static readonly Meter Meter = new(PresenceMetrics.MeterName, "1.0.0");
    private static readonly ConcurrentDictionary<string, long> QueueDepths = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, bool> Suspended = new(StringComparer.Ordinal);

    private static readonly Counter<long> Sent = Meter.CreateCounter<long>(
        "presence.webhook.sent", "{event}", "Webhook events delivered (a 2xx with a short body).");

    private static readonly Counter<long> Failed = Meter.CreateCounter<long>(
        "presence.webhook.failed", "{event}", "Webhook events given up and stored as failed (retries exhausted, target refused, queue full).");

    private static readonly Counter<long> Retried = Meter.CreateCounter<long>(
        "presence.webhook.retried", "{attempt}", "Webhook attempts that failed and will be retried.");

    private static readonly Histogram<double> Latency = Meter.CreateHistogram(
        "presence.webhook.delivery.duration", "s", "From the change committed to its callback delivered (retries included).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600] });

    static WebhookMetrics()
    {
        Meter.CreateObservableGauge("presence.webhook.queue.depth",
            static () => QueueDepths.Select(static p => new Measurement<long>(p.Value, new KeyValuePair<string, object?>(RuleTag, p.Key))),
            "{event}", "Webhook events waiting in the outbox, per rule.");
        Meter.CreateObservableGauge("presence.webhook.suspended",
            static () => new Measurement<int>(Suspended.Count(static p => p.Value)),
            "{rule}", "Webhook rules suspended after too many failures.");
    }

    public static void Delivered(string rule, int events, double latencySeconds)
    {
        Sent.Add(events, new KeyValuePair<string, object?>(RuleTag, rule));
        Latency.Record(latencySeconds, new KeyValuePair<string, object?>(RuleTag, rule));
    }

    public static void GaveUp(string rule, long events) => Failed.Add(events, new KeyValuePair<string, object?>(RuleTag, rule));

    public static void Retrying(string rule) => Retried.Add(1, new KeyValuePair<string, object?>(RuleTag, rule));

    public static void QueueDepth(string rule, long depth) => QueueDepths[rule] = depth;

    public static void SuspendedRule(string rule, bool suspended) => Suspended[rule] = suspended;

    public static ActivityTagsCollection Tags(string rule) => new() { [RuleTag] = rule };
}
