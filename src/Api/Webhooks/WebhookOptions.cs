namespace Presence.Api;

/// <summary>
/// How every webhook rule is delivered (<c>Presence:Webhooks</c>); the rules themselves are per app
/// (<see cref="WebhookRuleOptions"/>). Defaults follow the issue: 5 s per attempt, retried for an hour, 90 failures in
/// 30 s suspend a rule for 5 minutes, failed callbacks kept 3 days.
/// </summary>
public sealed class WebhookOptions
{
    public const string SectionName = "Presence:Webhooks";

    /// <summary>
    /// Hosts (names or IP addresses, compared case-insensitively) that may be loopback, link-local or private. Every
    /// other target must resolve to public addresses only, or its callbacks fail as refused.
    /// </summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>The timeout of one attempt.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a callback is retried before it goes to the failed storage.</summary>
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The first retry's delay; each next one doubles, up to <see cref="MaxBackoff"/>, with jitter.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Failed attempts within <see cref="FailureWindow"/> that suspend a rule for <see cref="SuspendFor"/>.</summary>
    public int FailureThreshold { get; set; } = 90;

    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan SuspendFor { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The most callbacks that wait per rule; what does not fit goes to the failed storage and is counted.</summary>
    public int QueueLimit { get; set; } = 100_000;

    /// <summary>Batched rules: the most events per POST, and the least time between two POSTs.</summary>
    public int BatchSize { get; set; } = 1000;

    public TimeSpan BatchInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Unbatched rules: the most users whose callbacks are in flight at once, per rule.</summary>
    public int MaxConcurrency { get; set; } = 64;

    /// <summary>How long failed callbacks are kept for a resend.</summary>
    public TimeSpan FailedRetention { get; set; } = TimeSpan.FromDays(3);

    /// <summary>How often a sender looks for callbacks committed by other silos (its own wake it at once).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a silo holds a rule without renewing; another silo takes it over after this when the holder dies.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The <c>host</c> field of Easemob bodies; defaults to the machine name.</summary>
    public string? Host { get; set; }
}
