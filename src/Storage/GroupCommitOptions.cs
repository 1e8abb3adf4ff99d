using Microsoft.Extensions.Options;

namespace Presence.Storage;

/// <summary>Tuning of <see cref="GroupCommitGrainStorage"/> (<c>Presence:Storage:GroupCommit</c>).</summary>
public sealed class GroupCommitOptions
{
    public const string SectionName = "Presence:Storage:GroupCommit";

    /// <summary>Most writes in one transaction; more wait for the next one.</summary>
    public int MaxBatchSize { get; set; } = 128;

    /// <summary>
    /// Transactions in flight at once, each on its own pooled connection. While all are busy, new writes queue and go
    /// together in whichever commits next; one alone would make every write wait for the previous commit's round trip.
    /// </summary>
    public int Flushers { get; set; } = 4;
}

internal sealed class GroupCommitOptionsValidator : IValidateOptions<GroupCommitOptions>
{
    public ValidateOptionsResult Validate(string? name, GroupCommitOptions options)
    {
        var failures = new List<string>();
        if (options.MaxBatchSize < 1)
            failures.Add($"{GroupCommitOptions.SectionName}:{nameof(GroupCommitOptions.MaxBatchSize)} must be at least 1.");
        if (options.Flushers < 1)
            failures.Add($"{GroupCommitOptions.SectionName}:{nameof(GroupCommitOptions.Flushers)} must be at least 1.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
