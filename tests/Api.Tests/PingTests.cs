using System.Net;

namespace Presence.Api.Tests;

/// <summary><c>GET /{org}/{app}/ping</c>: the benchmarks' baseline passes the same filters as the presence routes.</summary>
public sealed class PingTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private readonly GatewayClient _client = factory.CreateGatewayClient();

    [Fact]
    public async Task Ping_ReturnsOkResult_WhenTokenIsValid()
    {
        var token = await _client.AppTokenAsync();

        using var response = await _client.SendAsync(HttpMethod.Get, "ping", token);

        await Api.AssertOkResultAsync(response);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Ping_Returns401_WhenAuthorizationIsMissing()
    {
        using var response = await _client.SendAsync(HttpMethod.Get, "ping");

        await Api.AssertUnauthorizedAsync(response);
    }

    [Fact]
    public async Task Ping_Returns404_WhenAppIsUnknown()
    {
        var token = await _client.AppTokenAsync();

        using var response = await _client.SendAsync(HttpMethod.Get, "/nobody/nothing/ping", token);

        await Api.AssertErrorAsync(response, HttpStatusCode.NotFound, "organization_application_not_found");
    }
}
