using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Presence.Silo;

namespace Presence.Grains.Tests;

[Collection(SmallLimitsClusterCollection.Name)]
public sealed class PresenceLimitsTests(SmallLimitsCluster cluster)
{
    [Fact]
    public async Task AddPresence_AppliesLimitsFromConfiguration()
    {
        var user = cluster.NewApp().User("u1"); // the cluster's silos read Presence:Limits:MaxResourcesPerUser = 2

        await user.SetStatusAsync("a", "1", "");
        await user.SetStatusAsync("b", "1", "");
        var third = await user.SetStatusAsync("c", "1", "");

        Assert.Equal(SmallLimitsCluster.MaxResourcesPerUser, third.Status.Count);
        Assert.Equal(["b", "c"], third.Status.Keys.Order());
    }

    [Fact]
    public async Task Start_Fails_WhenALimitIsNotPositive()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartSiloAsync("Presence:Limits:MaxSubscriptionsPerUser", "0"));

        Assert.Contains(nameof(PresenceLimits.MaxSubscriptionsPerUser), error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Presence:Limits:CoalescingWindow", "-00:00:01", nameof(PresenceLimits.CoalescingWindow))]
    [InlineData("Presence:Limits:ExtGracePeriod", "-00:00:01", nameof(PresenceLimits.ExtGracePeriod))]
    [InlineData("Presence:Limits:ConnectionCheckPeriod", "00:00:00", nameof(PresenceLimits.ConnectionCheckPeriod))]
    public async Task Start_Fails_WhenARealTimeSettingIsOutOfRange(string key, string value, string name)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartSiloAsync(key, value));

        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    /// <summary>Starts a silo host wired as production wires one, with one setting; the limits are checked before Orleans starts.</summary>
    private static async Task StartSiloAsync(string key, string value)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [key] = value });
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(TestPorts.Next(), TestPorts.Next(), serviceId: "limits", clusterId: $"limits-{Guid.NewGuid():N}")
            .AddPresence(builder.Configuration));
        using var host = builder.Build();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await host.StartAsync(deadline.Token);
        await host.StopAsync(deadline.Token); // only reached when the test is about to fail
    }
}
