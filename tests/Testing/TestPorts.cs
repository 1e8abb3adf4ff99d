using System.Net;
using System.Net.Sockets;

namespace Presence.Testing;

/// <summary>
/// Free loopback TCP ports for test hosts. Every silo (a <c>WebApplicationFactory</c> one included) listens on a silo
/// port and a gateway port; two on the defaults would collide, so each test host asks for its own.
/// </summary>
public static class TestPorts
{
    /// <summary>A port the OS says is free right now (bound to 0, then released).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Configuration that gives a silo its own silo and gateway ports (<c>Presence:Cluster:*</c>).</summary>
    public static Dictionary<string, string?> ClusterPorts() => new()
    {
        ["Presence:Cluster:SiloPort"] = Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Presence:Cluster:GatewayPort"] = Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
