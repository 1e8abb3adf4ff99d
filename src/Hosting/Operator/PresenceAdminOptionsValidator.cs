using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Presence.Hosting;

/// <summary>
/// A Basic credential is complete (user name and password, no <c>:</c> in the name); the token header is a valid header
/// name. Outside Development, a password is at least <see cref="MinProductionPasswordLength"/> characters and not the
/// development one, and a token at least as long.
/// </summary>
internal sealed class PresenceAdminOptionsValidator(IServiceProvider services) : IValidateOptions<PresenceAdminOptions>
{
    public const int MinProductionPasswordLength = 12;

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
        if (services.GetService<IHostEnvironment>()?.IsDevelopment() != true && !options.UsesDevelopmentCredential)
            RequireProductionStrength(options, failures);
        if (string.IsNullOrEmpty(options.TokenHeader) || !options.TokenHeader.All(IsTokenChar))
            failures.Add($"{at}:{nameof(PresenceAdminOptions.TokenHeader)} must be an HTTP header name (got '{options.TokenHeader}').");
        else if (string.Equals(options.TokenHeader, "Authorization", StringComparison.OrdinalIgnoreCase))
            failures.Add($"{at}:{nameof(PresenceAdminOptions.TokenHeader)} must not be Authorization (it carries Basic).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void RequireProductionStrength(PresenceAdminOptions options, List<string> failures)
    {
        const string at = PresenceAdminOptions.SectionName;
        if (options.Password is { Length: > 0 } password)
        {
            if (password == PresenceAdminOptions.DevelopmentPassword)
                failures.Add($"{at}:{nameof(PresenceAdminOptions.Password)} is the development password; set a secret of your own (env Presence__Admin__Password).");
            else if (password.Length < MinProductionPasswordLength)
                failures.Add($"{at}:{nameof(PresenceAdminOptions.Password)} must be at least {MinProductionPasswordLength} characters outside Development (env Presence__Admin__Password).");
        }
        if (options.Token is { Length: > 0 } token && token.Length < MinProductionPasswordLength)
            failures.Add($"{at}:{nameof(PresenceAdminOptions.Token)} must be at least {MinProductionPasswordLength} characters outside Development (env Presence__Admin__Token).");
    }

    /// <summary>RFC 9110 <c>tchar</c>.</summary>
    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);
}
