using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Presence.Api.Tests;

public sealed class HostingTests(HostingTests.LoggingFactory factory) : IClassFixture<HostingTests.LoggingFactory>
{
    public sealed class LoggingFactory : GatewayFactory
    {
        public CapturingLoggerProvider Logs { get; } = new();

        protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(Logs);
    }

    private readonly HttpClient _http = factory.CreateClient();

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task HealthEndpoint_ReturnsHealthy_WhenSiloHasStarted(string path)
    {
        using var response = await _http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task OpenApiDocument_DescribesEveryRoute()
    {
        using var response = await _http.GetAsync("/openapi/v1.json");

        var json = await Api.ReadJsonAsync(response, HttpStatusCode.OK);
        var paths = json.GetProperty("paths");
        var operations = paths.EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Where(o => o.Value.ValueKind == JsonValueKind.Object && o.Value.TryGetProperty("operationId", out _))
                .Select(o => $"{o.Name.ToUpperInvariant()} {p.Name} {o.Value.GetProperty("operationId").GetString()}"))
            .Order(StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(
        [
            "DELETE /{org}/{app}/users/{username} DeleteUser",
            "DELETE /{org}/{app}/users/{username}/contacts/users/{friend} RemoveContact",
            "DELETE /{org}/{app}/users/{username}/presence UnsubscribePresence",
            "GET /{org}/{app}/callbacks/storage/info CallbackStorageInfo",
            "GET /{org}/{app}/ping Ping",
            "GET /{org}/{app}/users/{username} GetUser",
            "GET /{org}/{app}/users/{username}/contacts/users ListContacts",
            "GET /{org}/{app}/users/{username}/presence/sublist GetSubscriptions",
            "GET /{org}/{app}/ws ConnectSocket",
            "POST /v4/openim/query_online_status QueryOnlineStatus",
            "POST /{org}/{app}/callbacks/storage/retry CallbackStorageRetry",
            "POST /{org}/{app}/token IssueToken",
            "POST /{org}/{app}/users RegisterUsers",
            "POST /{org}/{app}/users/{username}/contacts/users/{friend} AddContact",
            "POST /{org}/{app}/users/{username}/presence GetPresence",
            "POST /{org}/{app}/users/{username}/presence/{expiry} SubscribePresence",
            "POST /{org}/{app}/users/{username}/presence/{resource}/{status} SetPresence",
            "PUT /{org}/{app}/users/{username}/password ChangePassword",
        ], operations.Where(o => !o.Contains("/health/", StringComparison.Ordinal)));
    }

    [Fact]
    public void StartupLog_SaysTheDevelopmentAppIsServed_WhenNoAppIsConfigured()
    {
        _ = factory.Services; // the host has started

        Assert.Contains(factory.Logs.Entries, e =>
            e.Level == LogLevel.Warning
            && e.Message.Contains("serving the Development app org 'demo' app 'demo' (client id 'demo-client'", StringComparison.Ordinal));
    }
}
