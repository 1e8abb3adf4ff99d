using Microsoft.Extensions.Options;

namespace Presence.Orleans.Grains.Tests;

public sealed class PresenceLimitsTests
{
    [Fact]
    public async Task AddPresenceGrains_AppliesLimitsFromConfiguration()
    {
        await using var silo = await PresenceTestSilo.StartAsync(
            configuration: new Dictionary<string, string?> { ["Presence:Limits:MaxResourcesPerUser"] = "2" });
        var user = silo.User("u1");

        await user.SetStatusAsync("a", "1", "");
        await user.SetStatusAsync("b", "1", "");
        var third = await user.SetStatusAsync("c", "1", "");

        Assert.Equal(["b", "c"], third.Status.Keys.Order());
    }

    [Fact]
    public async Task Start_Fails_WhenALimitIsNotPositive()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => PresenceTestSilo.StartAsync(
            configuration: new Dictionary<string, string?> { ["Presence:Limits:MaxSubscriptionsPerUser"] = "0" }));

        Assert.Contains(nameof(PresenceLimits.MaxSubscriptionsPerUser), error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Presence:Limits:CoalescingWindow", "-00:00:01", nameof(PresenceLimits.CoalescingWindow))]
    [InlineData("Presence:Limits:ExtGracePeriod", "-00:00:01", nameof(PresenceLimits.ExtGracePeriod))]
    [InlineData("Presence:Limits:ConnectionCheckPeriod", "00:00:00", nameof(PresenceLimits.ConnectionCheckPeriod))]
    public async Task Start_Fails_WhenARealTimeSettingIsOutOfRange(string key, string value, string name)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => PresenceTestSilo.StartAsync(
            configuration: new Dictionary<string, string?> { [key] = value }));

        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }
}
