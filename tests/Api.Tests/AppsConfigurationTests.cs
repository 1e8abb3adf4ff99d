using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Presence.Api.Tests;

public sealed class AppsConfigurationTests
{
    [Fact]
    public async Task DemoApp_Returns404_WhenEnvironmentIsProductionAndNoAppIsConfigured()
    {
        await using var factory = new ConfiguredFactory("Production", []);
        var client = factory.CreateGatewayClient();

        using var response = await client.RequestTokenAsync("""{"grant_type":"client_credentials","client_id":"demo-client","client_secret":"demo-secret"}""");

        await Api.AssertErrorAsync(response, HttpStatusCode.NotFound, "organization_application_not_found");
        Assert.Contains(factory.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("No app is configured in Presence:Apps (Production)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConfiguredApp_IsServed_WhenEnvironmentIsProduction()
    {
        await using var factory = new ConfiguredFactory("Production", new()
        {
            ["Presence:Apps:0:Org"] = "5101220107132865",
            ["Presence:Apps:0:App"] = "test",
            ["Presence:Apps:0:ClientId"] = "YXA6client",
            ["Presence:Apps:0:ClientSecret"] = "YXA6secret",
        });
        var client = factory.CreateGatewayClient("5101220107132865", "test");

        var token = await client.AppTokenAsync("YXA6client", "YXA6secret");

        using var response = await client.SetPresenceAsync(token, "c1", "android_123423453246", "0", "123");
        await Api.AssertOkResultAsync(response);
    }

    [Theory]
    [InlineData("Presence:Apps:0:Org", "bad/org", "Presence:Apps:0:Org must be")]
    [InlineData("Presence:Apps:0:App", "", "Presence:Apps:0:App must be")]
    [InlineData("Presence:Apps:0:ClientSecret", " ", "Presence:Apps:0:ClientSecret is required")]
    [InlineData("Presence:Apps:1:App", "CHAT", "is configured more than once")]
    [InlineData("Presence:Apps:0:ClientSecret", "demo-secret", "Presence:Apps:0:ClientSecret is the development app's well-known secret")]
    [InlineData("Presence:Apps:1:PreviousClientSecrets:0", "demo-secret", "Presence:Apps:1:ClientSecret is the development app's well-known secret")]
    [InlineData("Presence:Apps:0:PreviousClientSecrets:0", " ", "Presence:Apps:0:PreviousClientSecrets:0 must not be blank")]
    [InlineData("Presence:RateLimits:PermitLimit", "0", "Presence:RateLimits:PermitLimit must be positive")]
    [InlineData("Presence:RateLimits:Routes:SetPresence:Window", "00:00:00", "Presence:RateLimits:Routes:SetPresence:Window must be positive")]
    public async Task Host_FailsToStart_WhenConfigurationIsInvalid(string key, string value, string expected)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Presence:Apps:0:Org"] = "acme",
            ["Presence:Apps:0:App"] = "chat",
            ["Presence:Apps:0:ClientId"] = "id",
            ["Presence:Apps:0:ClientSecret"] = "secret",
            ["Presence:Apps:1:Org"] = "acme",
            ["Presence:Apps:1:App"] = "game",
            ["Presence:Apps:1:ClientId"] = "id2",
            ["Presence:Apps:1:ClientSecret"] = "secret2",
        };
        settings[key] = value;
        await using var factory = new ConfiguredFactory("Production", settings);

        var error = Record.Exception(() => factory.Services.GetRequiredService<IOptions<PresenceAppsOptions>>());

        var validation = Assert.IsType<OptionsValidationException>(error);
        Assert.Contains(validation.Failures, f => f.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task DevelopmentSecret_IsServed_InDevelopment()
    {
        await using var factory = new ConfiguredFactory("Development", new()
        {
            ["Presence:Apps:0:Org"] = "acme",
            ["Presence:Apps:0:App"] = "chat",
            ["Presence:Apps:0:ClientId"] = "demo-client",
            ["Presence:Apps:0:ClientSecret"] = "demo-secret",
        });

        Assert.Single(factory.Services.GetRequiredService<IOptions<PresenceAppsOptions>>().Value.Apps);
    }

    private sealed class ConfiguredFactory(string environment, Dictionary<string, string?> settings) : GatewayFactory
    {
        public CapturingLoggerProvider Logs { get; } = new();

        protected override string Environment => environment;

        protected override IDictionary<string, string?> Settings => settings;

        protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(Logs);
    }
}
