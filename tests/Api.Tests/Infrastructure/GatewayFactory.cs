using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Reminders;
using Presence.Testing;

namespace Presence.Api.Tests;

/// <summary>
/// The whole silo (Orleans, grains, gateway) on a TestServer, in Development, with a fake clock and
/// rate limits high enough not to interfere. Derived factories change settings or services. Each factory's silo
/// listens on its own silo and gateway ports (factories run side by side); dispose the factory to stop it.
/// </summary>
public class GatewayFactory : WebApplicationFactory<Program>
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly Dictionary<string, string?> _clusterPorts = TestPorts.ClusterPorts();

    /// <summary>
    /// The test clock under grain timers, reminders, tokens and rate limits (Orleans' own messaging and membership
    /// keep real time). A timer it fires runs its grain turn asynchronously: wait for the effect, with a deadline.
    /// </summary>
    public ManualTimeProvider Clock { get; } = new(Start);

    protected virtual string Environment => "Development";

    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Presence:RateLimits:PermitLimit"] = "1000000",
    };

    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    public GatewayClient CreateGatewayClient(string org = "demo", string app = "demo") => new(CreateClient(), org, app);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environment);
        builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(Settings).AddInMemoryCollection(_clusterPorts));
        builder.ConfigureTestServices(services =>
        {
            services.UseTestClock(Clock);
            // On the manual clock alone, Orleans' reminder service can spin inside Advance (see PaddedTimeProvider).
            services.AddKeyedSingleton<TimeProvider>(ReminderTimeProviderNames.Reminders, new PaddedTimeProvider(Clock));
            ConfigureServices(services);
        });
    }
}
