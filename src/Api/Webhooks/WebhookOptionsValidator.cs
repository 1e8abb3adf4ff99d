using Microsoft.Extensions.Options;

namespace Presence.Api;

/// <summary>The delivery settings are usable: positive times and limits.</summary>
internal sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        var failures = new List<string>();
        Positive(options.AttemptTimeout, nameof(WebhookOptions.AttemptTimeout), "5 s");
        Positive(options.RetryFor, nameof(WebhookOptions.RetryFor), "1 h");
        Positive(options.InitialBackoff, nameof(WebhookOptions.InitialBackoff), "1 s");
        Positive(options.MaxBackoff, nameof(WebhookOptions.MaxBackoff), "5 min");
        Positive(options.FailureWindow, nameof(WebhookOptions.FailureWindow), "30 s");
        Positive(options.SuspendFor, nameof(WebhookOptions.SuspendFor), "5 min");
        Positive(options.BatchInterval, nameof(WebhookOptions.BatchInterval), "1 s");
        Positive(options.FailedRetention, nameof(WebhookOptions.FailedRetention), "3 days");
        Positive(options.PollInterval, nameof(WebhookOptions.PollInterval), "500 ms");
        Positive(options.LeaseDuration, nameof(WebhookOptions.LeaseDuration), "10 s");
        if (options.FailureThreshold < 1)
            failures.Add($"{WebhookOptions.SectionName}:{nameof(WebhookOptions.FailureThreshold)} must be at least 1 (default 90).");
        if (options.QueueLimit < 1)
            failures.Add($"{WebhookOptions.SectionName}:{nameof(WebhookOptions.QueueLimit)} must be at least 1 (default 100000).");
        if (options.BatchSize is < 1 or > 1000)
            failures.Add($"{WebhookOptions.SectionName}:{nameof(WebhookOptions.BatchSize)} must be 1-1000 (default 1000).");
        if (options.MaxConcurrency < 1)
            failures.Add($"{WebhookOptions.SectionName}:{nameof(WebhookOptions.MaxConcurrency)} must be at least 1 (default 64).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        void Positive(TimeSpan value, string key, string fallback)
        {
            if (value <= TimeSpan.Zero)
                failures.Add($"{WebhookOptions.SectionName}:{key} must be a positive time such as 00:00:05 (default {fallback}).");
        }
    }
}
