using System.Net.WebSockets;

namespace Presence.Api.Tests;

public sealed class SocketShutdownTests
{
    [Fact]
    public async Task Connections_AreClosedWith1001_WhenTheServerStops()
    {
        var factory = new SocketGatewayFactory();
        await using var device = await factory.ConnectAsync("shutdown", "web_1");
        await device.WaitForAsync(f => SocketClient.Type(f) == "presence");

        await factory.DisposeAsync();
        await device.WaitForEndAsync();

        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, device.CloseStatus);
        Assert.Equal("server shutting down", device.CloseDescription);
    }
}
