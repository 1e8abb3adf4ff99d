using Microsoft.Extensions.Options;

namespace Presence.Orleans.Runtime;

internal sealed class GrainRuntimeOptionsValidator : IValidateOptions<GrainRuntimeOptions>
{
    public ValidateOptionsResult Validate(string? name, GrainRuntimeOptions options)
    {
        var failures = new List<string>();
        if (options.CollectionAge <= TimeSpan.Zero)
            failures.Add($"{nameof(GrainRuntimeOptions.CollectionAge)} must be positive.");
        if (options.CollectionQuantum <= TimeSpan.Zero)
            failures.Add($"{nameof(GrainRuntimeOptions.CollectionQuantum)} must be positive.");
        if (options.ReminderPollPeriod <= TimeSpan.Zero)
            failures.Add($"{nameof(GrainRuntimeOptions.ReminderPollPeriod)} must be positive.");
        if (options.ReminderBatchSize <= 0)
            failures.Add($"{nameof(GrainRuntimeOptions.ReminderBatchSize)} must be positive.");
        if (options.ResponseTimeout <= TimeSpan.Zero)
            failures.Add($"{nameof(GrainRuntimeOptions.ResponseTimeout)} must be positive.");
        if (options.DeactivationTimeout <= TimeSpan.Zero)
            failures.Add($"{nameof(GrainRuntimeOptions.DeactivationTimeout)} must be positive.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
