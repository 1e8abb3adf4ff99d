using Microsoft.Extensions.Options;

namespace Presence.Storage;

internal sealed class PostgresPersistenceOptionsValidator : IValidateOptions<PostgresPersistenceOptions>
{
    public ValidateOptionsResult Validate(string? name, PostgresPersistenceOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
            failures.Add($"{nameof(PostgresPersistenceOptions.ConnectionString)} is required (ConnectionStrings:Presence).");
        if (options.ConnectTimeout < TimeSpan.FromSeconds(1))
            failures.Add($"{nameof(PostgresPersistenceOptions.ConnectTimeout)} must be at least 1 second.");
        if (options.CommandTimeout < TimeSpan.FromSeconds(1))
            failures.Add($"{nameof(PostgresPersistenceOptions.CommandTimeout)} must be at least 1 second.");
        if (options.BulkCommandTimeout < options.CommandTimeout)
            failures.Add($"{nameof(PostgresPersistenceOptions.BulkCommandTimeout)} must not be shorter than {nameof(PostgresPersistenceOptions.CommandTimeout)}.");
        if (options.BulkThreshold < 1)
            failures.Add($"{nameof(PostgresPersistenceOptions.BulkThreshold)} must be positive.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
