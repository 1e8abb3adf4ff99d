using Microsoft.Extensions.Options;

namespace Presence.Grains;

internal sealed class PresenceLimitsValidator : IValidateOptions<PresenceLimits>
{
    public ValidateOptionsResult Validate(string? name, PresenceLimits options)
    {
        var failures = new List<string>();
        RequirePositive(options.MaxExtBytes, nameof(PresenceLimits.MaxExtBytes), failures);
        RequirePositive(options.MaxResourcesPerUser, nameof(PresenceLimits.MaxResourcesPerUser), failures);
        RequirePositive(options.MaxSubscriptionsPerUser, nameof(PresenceLimits.MaxSubscriptionsPerUser), failures);
        RequirePositive(options.MaxSubscribersPerUser, nameof(PresenceLimits.MaxSubscribersPerUser), failures);
        RequirePositive(options.MaxContacts, nameof(PresenceLimits.MaxContacts), failures);
        RequirePositive(options.MaxExpirySeconds, nameof(PresenceLimits.MaxExpirySeconds), failures);
        RequirePositive(options.MaxUsersPerRestCall, nameof(PresenceLimits.MaxUsersPerRestCall), failures);
        RequirePositive(options.MaxPageSize, nameof(PresenceLimits.MaxPageSize), failures);
        RequirePositive(options.MaxWatchersPerDelivery, nameof(PresenceLimits.MaxWatchersPerDelivery), failures);
        RequirePositive(options.MaxRequestBodyBytes, nameof(PresenceLimits.MaxRequestBodyBytes), failures);
        RequireNotNegative(options.ExtGracePeriod, nameof(PresenceLimits.ExtGracePeriod), failures);
        RequireNotNegative(options.CoalescingWindow, nameof(PresenceLimits.CoalescingWindow), failures);
        RequireNotNegative(options.OrphanedConnectionTimeout, nameof(PresenceLimits.OrphanedConnectionTimeout), failures);
        if (options.ConnectionCheckPeriod <= TimeSpan.Zero)
            failures.Add($"{nameof(PresenceLimits.ConnectionCheckPeriod)} must be positive.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void RequirePositive(int value, string name, List<string> failures)
    {
        if (value <= 0)
            failures.Add($"{name} must be positive.");
    }

    private static void RequireNotNegative(TimeSpan value, string name, List<string> failures)
    {
        if (value < TimeSpan.Zero)
            failures.Add($"{name} must not be negative.");
    }
}
