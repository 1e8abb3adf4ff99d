using Microsoft.Extensions.Options;

namespace Presence.Hosting;

/// <summary>A Basic credential is complete (user name and password, no <c>:</c> in the name); the token header is a valid header name.</summary>
internal sealed class PresenceAdminOptionsValidator : IValidateOptions<PresenceAdminOptions>
{
    public ValidateOptionsResult Validate(string? name, PresenceAdminOptions options)
    {
        const string at = PresenceAdminOptions.SectionName;
        var failures = new List<string>();
        var hasUser = !string.IsNullOrEmpty(options.Username);
        var hasPassword = !string.IsNullOrEmpty(options.Password);
        if (hasUser && !hasPassword)
            failures.Add($"{at}:{nameof(PresenceAdminOptions.Username)} is set without {at}:{nameof(PresenceAdminOptions.Password)}.");
        if (hasPassword && !hasUser)
            failures.Add($"{at}:{nameof(PresenceAdminOptions.Password)} is set without {at}:{nameof(PresenceAdminOptions.Username)}.");
        if (hasUser && (options.Username!.Contains(':', StringComparison.Ordinal) || string.IsNullOrWhiteSpace(options.Username)))
            failures.Add($"{at}:{nameof(PresenceAdminOptions.Username)} must not be blank or contain ':' (HTTP Basic).");
        if (hasPassword && string.IsNullOrWhiteSpace(options.Password))
            failures.Add($"{at}:{nameof(PresenceAdminOptions.Password)} must not be blank.");
        if (options.Token is { Length: > 0 } token && string.IsNullOrWhiteSpace(token))
            failures.Add($"{at}:{nameof(PresenceAdminOptions.Token)} must not be blank.");
        if (string.IsNullOrEmpty(options.TokenHeader) || !options.TokenHeader.All(IsTokenChar))
            failures.Add($"{at}:{nameof(PresenceAdminOptions.TokenHeader)} must be an HTTP header name (got '{options.TokenHeader}').");
        else if (string.Equals(options.TokenHeader, "Authorization", StringComparison.OrdinalIgnoreCase))
            failures.Add($"{at}:{nameof(PresenceAdminOptions.TokenHeader)} must not be Authorization (it carries Basic).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>RFC 9110 <c>tchar</c>.</summary>
    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);
}
