using Microsoft.Extensions.Options;

namespace Presence.Api;

internal sealed class PresenceSocketOptionsValidator : IValidateOptions<PresenceSocketOptions>
{
    public ValidateOptionsResult Validate(string? name, PresenceSocketOptions options)
    {
        var failures = new List<string>();
        Positive(options.KeepAliveInterval, nameof(options.KeepAliveInterval), failures);
        Positive(options.KeepAliveTimeout, nameof(options.KeepAliveTimeout), failures);
        Positive(options.OperationWindow, nameof(options.OperationWindow), failures);
        Positive(options.CloseTimeout, nameof(options.CloseTimeout), failures);
        Positive(options.LeaseRenewPeriod, nameof(options.LeaseRenewPeriod), failures);
        Positive(options.ResyncInterval, nameof(options.ResyncInterval), failures);
        Positive(options.SendQueueCapacity, nameof(options.SendQueueCapacity), failures);
        Positive(options.MaxConsecutiveBadFrames, nameof(options.MaxConsecutiveBadFrames), failures);
        Positive(options.MaxPendingRequests, nameof(options.MaxPendingRequests), failures);
        Positive(options.OperationPermitLimit, nameof(options.OperationPermitLimit), failures);
        Positive(options.MaxUsersPerQuery, nameof(options.MaxUsersPerQuery), failures);
        Positive(options.MaxUsersPerSubscribe, nameof(options.MaxUsersPerSubscribe), failures);
        Positive(options.MaxUsersPerUnsubscribe, nameof(options.MaxUsersPerUnsubscribe), failures);
        if (options.MaxMessageBytes < 1024)
            failures.Add($"{PresenceSocketOptions.SectionName}:{nameof(options.MaxMessageBytes)} must be at least 1024.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Positive(TimeSpan value, string name, List<string> failures)
    {
        if (value <= TimeSpan.Zero)
            failures.Add($"{PresenceSocketOptions.SectionName}:{name} must be positive.");
    }

    private static void Positive(int value, string name, List<string> failures)
    {
        if (value <= 0)
            failures.Add($"{PresenceSocketOptions.SectionName}:{name} must be positive.");
    }
}
