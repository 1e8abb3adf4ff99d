using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Presence.Webhooks;

namespace Presence.Api;

/// <summary>
/// The webhook sender of one silo: a <see cref="WebhookRuleWorker"/> per enabled rule (each sends only while its silo
/// holds the rule's lease, so one silo sends a rule at a time and another takes over when it dies), plus the upkeep:
/// operators' pauses and resumes, the queue-depth gauge and the purge of failed callbacks past their retention.
/// </summary>
internal sealed partial class WebhookSender(
    WebhookRuleRegistry registry,
    IWebhookOutbox outbox,
    WebhookHttpSender http,
    IOptions<WebhookOptions> options,
    [FromKeyedServices(WebhookSender.ClockName)] TimeProvider clock,
    ILogger<WebhookSender> logger) : BackgroundService
{
    /// <summary>The sender's clock (tests may register another under this key; real time otherwise).</summary>
    public const string ClockName = "presence-webhooks";

    private static readonly TimeSpan DepthInterval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PurgeInterval = TimeSpan.FromHours(1);

    private readonly WebhookOptions _options = options.Value;

    /// <summary>This process, as the owner of rule leases.</summary>
    public string Owner { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    public IReadOnlyList<WebhookRuleWorker> Workers { get; private set; } = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var host = string.IsNullOrWhiteSpace(_options.Host) ? Environment.MachineName : _options.Host;
        Workers = registry.Rules.Where(static r => r.Options.Enabled)
            .Select(r => new WebhookRuleWorker(r, outbox, http, _options, clock, Owner, host, logger))
            .ToList();
        if (Workers.Count == 0)
            return;
        LogStarted(Workers.Count, Owner);
        var running = Workers.Select(w => Task.Run(() => w.RunAsync(stoppingToken), CancellationToken.None)).ToList();
        var nextDepth = DateTimeOffset.MinValue;
        var nextPurge = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var statuses = (await outbox.StatusAsync(stoppingToken)).ToDictionary(static s => s.Rule, StringComparer.Ordinal);
                foreach (var worker in Workers)
                    worker.Apply(statuses.GetValueOrDefault(worker.Rule.Id));
                var now = clock.GetUtcNow();
                if (now >= nextDepth)
                {
                    var depths = await outbox.CountAsync(stoppingToken);
                    foreach (var worker in Workers)
                        WebhookMetrics.QueueDepth(worker.Rule.Id, depths.GetValueOrDefault(worker.Rule.Id));
                    nextDepth = now + DepthInterval;
                }
                if (now >= nextPurge)
                {
                    var purged = await outbox.PurgeFailedAsync(now - _options.FailedRetention, stoppingToken);
                    if (purged > 0)
                        LogPurged(purged, _options.FailedRetention);
                    nextPurge = now + PurgeInterval;
                }
                await Task.Delay(_options.PollInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                LogUpkeepFailed(exception);
                await Task.Delay(_options.PollInterval, clock, stoppingToken).ContinueWith(static _ => { }, TaskScheduler.Default);
            }
        }
        await Task.WhenAll(running);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook sender started: {Rules} rules, owner {Owner}")]
    private partial void LogStarted(int rules, string owner);

    [LoggerMessage(Level = LogLevel.Information, Message = "Purged {Count} failed webhook callbacks older than {Retention}")]
    private partial void LogPurged(int count, TimeSpan retention);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The webhook sender's upkeep failed; trying again")]
    private partial void LogUpkeepFailed(Exception exception);
}
