using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Presence.Orleans.Testing;

namespace Presence.Orleans.Gateway.Tests;

/// <summary>
/// The whole silo (runtime, grains, gateway) on a TestServer, in Development, with a fake clock and
/// rate limits high enough not to interfere. Derived factories change settings or services.
/// </summary>
public class GatewayFactory : WebApplicationFactory<Program>
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

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
        builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(Settings));
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            ConfigureServices(services);
        });
    }
}
