using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Presence.Api.Tests;

/// <summary>
/// The host starts its services concurrently, so HTTP answers while the rest is still starting (Orleans joining, the
/// database being waited for): the process is live, not ready, and every other route answers 503 until it has started.
/// </summary>
public sealed class StartupTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task EveryRouteButHealth_Returns503_UntilTheHostHasStarted()
    {
        await using var factory = new HeldStartupFactory();
        var starting = Task.Run(factory.StartServer); // returns once every hosted service has started
        using var http = new HttpClient { BaseAddress = factory.Address };
        try
        {
            await Eventually.TrueAsync(async () => await StatusAsync(http, "/health/live") == HttpStatusCode.OK, StartTimeout, "Kestrel to answer");

            using (var token = await http.PostAsync("/demo/demo/token", Json(TokenBody)))
            {
                var json = await Api.AssertErrorAsync(token, HttpStatusCode.ServiceUnavailable, "service_unavailable");
                Assert.Equal("ServiceUnavailableException", json.GetProperty("exception").GetString());
            }
            // Before authentication: nothing is answered from a host that is not ready, not even a 401.
            using (var presence = await http.PostAsync("/demo/demo/users/u1/presence", Json("""{"usernames":["u2"]}""")))
                await Api.AssertErrorAsync(presence, HttpStatusCode.ServiceUnavailable, "service_unavailable");
            using (var ready = await http.GetAsync("/health/ready"))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
                Assert.Equal("Unhealthy", await ready.Content.ReadAsStringAsync());
            }
            Assert.False(starting.IsCompleted, "the host should still be starting");
        }
        finally
        {
            factory.Release();
        }
        await starting.WaitAsync(StartTimeout);

        using (var ready = await http.GetAsync("/health/ready"))
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        using var issued = await http.PostAsync("/demo/demo/token", Json(TokenBody));
        await Api.ReadJsonAsync(issued, HttpStatusCode.OK);
    }

    private const string TokenBody = $$"""{"grant_type":"client_credentials","client_id":"{{GatewayClient.DevClientId}}","client_secret":"{{GatewayClient.DevClientSecret}}"}""";

    private static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/json");

    private static async Task<HttpStatusCode?> StatusAsync(HttpClient http, string path)
    {
        try
        {
            using var response = await http.GetAsync(path);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null; // not listening yet
        }
    }

    /// <summary>The silo on Kestrel, with one more hosted service that does not finish starting until <see cref="Release"/>.</summary>
    private sealed class HeldStartupFactory : GatewayFactory
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly int _port = TestPorts.Next();

        public HeldStartupFactory() => UseKestrel(options => options.Listen(IPAddress.Loopback, _port));

        public Uri Address => new($"http://127.0.0.1:{_port}");

        public void Release() => _gate.TrySetResult();

        protected override void ConfigureServices(IServiceCollection services) =>
            services.AddSingleton<IHostedService>(new HeldStart(_gate.Task));

        private sealed class HeldStart(Task gate) : IHostedService
        {
            public Task StartAsync(CancellationToken cancellationToken) => gate.WaitAsync(cancellationToken);

            public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        }
    }
}
