using Microsoft.Extensions.Options;

namespace Presence.Api;

internal sealed class PresenceRateLimitOptionsValidator : IValidateOptions<PresenceRateLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, PresenceRateLimitOptions options)
    {
        var failures = new List<string>();
        Check(options.PermitLimit, options.Window, PresenceRateLimitOptions.SectionName, failures);
        foreach (var (route, limit) in options.Routes)
            Check(limit.PermitLimit ?? options.PermitLimit, limit.Window ?? options.Window, $"{PresenceRateLimitOptions.SectionName}:Routes:{route}", failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(int permitLimit, TimeSpan window, string at, List<string> failures)
    {
        if (permitLimit <= 0)
            failures.Add($"{at}:{nameof(PresenceRateLimitOptions.PermitLimit)} must be positive.");
        if (window <= TimeSpan.Zero)
            failures.Add($"{at}:{nameof(PresenceRateLimitOptions.Window)} must be positive.");
    }
}
