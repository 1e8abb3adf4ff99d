using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Presence.Api;

/// <summary>
/// Every app has valid names and credentials, and no org/app pair is configured twice; a Tencent section is complete
/// and its SDKAppID belongs to one app only. Outside Development no app uses the development app's well-known client
/// secret (its tokens' signing key derives from it).
/// </summary>
internal sealed class PresenceAppsOptionsValidator(IServiceProvider services) : IValidateOptions<PresenceAppsOptions>
{
    internal const int MaxNameLength = 64;

    public ValidateOptionsResult Validate(string? name, PresenceAppsOptions options)
    {
        var failures = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var development = services.GetService<IHostEnvironment>()?.IsDevelopment() == true;
        var developmentSecret = PresenceAppsOptions.DevelopmentApp().ClientSecret;
        var sdkAppIds = new Dictionary<long, int>();
        for (var i = 0; i < options.Apps.Count; i++)
        {
            var app = options.Apps[i];
            var at = $"{PresenceAppsOptions.SectionName}:{nameof(PresenceAppsOptions.Apps)}:{i}";
            if (!IsValidName(app.Org))
                failures.Add($"{at}:{nameof(PresenceAppOptions.Org)} must be 1-{MaxNameLength} characters of A-Z a-z 0-9 _ - . (got '{app.Org}').");
            if (!IsValidName(app.App))
                failures.Add($"{at}:{nameof(PresenceAppOptions.App)} must be 1-{MaxNameLength} characters of A-Z a-z 0-9 _ - . (got '{app.App}').");
            if (string.IsNullOrWhiteSpace(app.ClientId))
                failures.Add($"{at}:{nameof(PresenceAppOptions.ClientId)} is required.");
            if (string.IsNullOrWhiteSpace(app.ClientSecret))
                failures.Add($"{at}:{nameof(PresenceAppOptions.ClientSecret)} is required.");
            if (!development && (app.ClientSecret == developmentSecret || app.PreviousClientSecrets.Contains(developmentSecret)))
                failures.Add($"{at}:{nameof(PresenceAppOptions.ClientSecret)} is the development app's well-known secret, which anyone can sign tokens with; set a secret of your own outside Development (env Presence__Apps__{i}__ClientSecret).");
            for (var k = 0; k < app.PreviousClientSecrets.Count; k++)
            {
                if (string.IsNullOrWhiteSpace(app.PreviousClientSecrets[k]))
                    failures.Add($"{at}:{nameof(PresenceAppOptions.PreviousClientSecrets)}:{k} must not be blank.");
            }
            if (!seen.Add($"{app.Org}/{app.App}"))
                failures.Add($"{at}: the app {app.Org}/{app.App} is configured more than once.");
            if (app.Tencent is { } tencent)
                ValidateTencent(tencent, $"{at}:{nameof(PresenceAppOptions.Tencent)}", i, sdkAppIds, failures);
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The messages name the key and the fix; they never show the secret key.</summary>
    private static void ValidateTencent(TencentAppOptions tencent, string at, int index, Dictionary<long, int> sdkAppIds, List<string> failures)
    {
        const string sdkAppIdKey = nameof(TencentAppOptions.SdkAppId);
        const string secretKeyKey = nameof(TencentAppOptions.SecretKey);
        if (tencent.SdkAppId is not { } sdkAppId)
            failures.Add($"{at}:{sdkAppIdKey} is required when {at} is configured: set it to the app's SDKAppID from Tencent's console, or remove {at}.");
        else if (sdkAppId is < 1 or > uint.MaxValue)
            failures.Add($"{at}:{sdkAppIdKey} must be a Tencent SDKAppID, 1-{uint.MaxValue} (got {sdkAppId}).");
        else if (!sdkAppIds.TryAdd(sdkAppId, index))
            failures.Add($"{at}:{sdkAppIdKey} {sdkAppId} is already the SDKAppID of {PresenceAppsOptions.SectionName}:{nameof(PresenceAppsOptions.Apps)}:{sdkAppIds[sdkAppId]}: each SDKAppID names one app.");
        if (string.IsNullOrWhiteSpace(tencent.SecretKey))
            failures.Add($"{at}:{secretKeyKey} is required when {at} is configured: set it to the app's key from Tencent's console (the key UserSigs are signed with), or remove {at}.");
        if (string.IsNullOrWhiteSpace(tencent.AdminIdentifier) || tencent.AdminIdentifier.Length > MaxNameLength
            || tencent.AdminIdentifier.Any(char.IsControl))
            failures.Add($"{at}:{nameof(TencentAppOptions.AdminIdentifier)} must be 1-{MaxNameLength} characters without control characters (default '{TencentAppOptions.DefaultAdminIdentifier}').");
    }

    private static bool IsValidName(string? value) =>
        value is { Length: > 0 and <= MaxNameLength }
        && value.All(static c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.');
}
