using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Presence.Api.Tests;

/// <summary>
/// <c>Presence:Apps:N:Tencent</c> is checked at start: complete, a 32-bit SDKAppID that names one app, a usable
/// administrator; the messages name the key and the fix and never show the secret key.
/// </summary>
public sealed class TencentOptionsValidationTests
{
    private const string Secret = "s3cr3t-key-that-must-never-be-shown";

    private static ValidateOptionsResult Validate(params TencentAppOptions?[] tencent)
    {
        var options = new PresenceAppsOptions();
        for (var i = 0; i < tencent.Length; i++)
            options.Apps.Add(new PresenceAppOptions { Org = "acme", App = $"app{i}", ClientId = "id", ClientSecret = "secret", Tencent = tencent[i] });
        return new PresenceAppsOptionsValidator(new ServiceCollection().BuildServiceProvider()).Validate(null, options);
    }

    [Fact]
    public void Validate_Accepts_AppsWithAndWithoutATencentIdentity()
    {
        var result = Validate(new TencentAppOptions { SdkAppId = 1400000001, SecretKey = Secret }, null);

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData(null, Secret, "Presence:Apps:0:Tencent:SdkAppId is required when Presence:Apps:0:Tencent is configured")]
    [InlineData(0L, Secret, "Presence:Apps:0:Tencent:SdkAppId must be a Tencent SDKAppID, 1-4294967295 (got 0)")]
    [InlineData(4294967296L, Secret, "Presence:Apps:0:Tencent:SdkAppId must be a Tencent SDKAppID")]
    [InlineData(1400000001L, null, "Presence:Apps:0:Tencent:SecretKey is required when Presence:Apps:0:Tencent is configured")]
    [InlineData(1400000001L, " ", "Presence:Apps:0:Tencent:SecretKey is required")]
    public void Validate_Fails_WhenTheTencentSectionIsIncomplete(long? sdkAppId, string? secretKey, string expected)
    {
        var result = Validate(new TencentAppOptions { SdkAppId = sdkAppId, SecretKey = secretKey });

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_Fails_WhenTwoAppsShareAnSdkAppId_NamingBoth()
    {
        var result = Validate(
            new TencentAppOptions { SdkAppId = 1400000001, SecretKey = Secret },
            new TencentAppOptions { SdkAppId = 1400000001, SecretKey = "other" });

        Assert.Contains(result.Failures!, f => f.Contains("Presence:Apps:1:Tencent:SdkAppId 1400000001 is already the SDKAppID of Presence:Apps:0", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("admin\n")]
    public void Validate_Fails_WhenTheAdminIdentifierIsNotUsable(string admin)
    {
        var result = Validate(new TencentAppOptions { SdkAppId = 1400000001, SecretKey = Secret, AdminIdentifier = admin });

        Assert.Contains(result.Failures!, f => f.Contains("Presence:Apps:0:Tencent:AdminIdentifier must be", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_NeverShowsTheSecretKey()
    {
        var result = Validate(
            new TencentAppOptions { SdkAppId = 0, SecretKey = Secret, AdminIdentifier = "" },
            new TencentAppOptions { SdkAppId = 0, SecretKey = Secret });

        Assert.True(result.Failed);
        Assert.DoesNotContain(Secret, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void SecretKey_IsMarkedForRedaction()
    {
        var property = typeof(TencentAppOptions).GetProperty(nameof(TencentAppOptions.SecretKey))!;

        Assert.NotNull(property.GetCustomAttributes(typeof(RedactAttribute), inherit: false).SingleOrDefault());
        Assert.DoesNotContain(TencentSigs.Key, new TencentCredentials(1, TencentSigs.Key, "a").ToString(), StringComparison.Ordinal);
    }
}
