using System.Net;
using System.Net.Sockets;

namespace Presence.Api;

/// <summary>
/// Refuses callbacks to loopback, link-local, private and other non-public addresses unless the operator's allow-list
/// (<see cref="WebhookOptions.AllowedHosts"/>) names the host. Checked where the connection is made (the handler's
/// connect callback), on the addresses actually dialled, so a name that resolves to an internal address is refused too.
/// </summary>
internal sealed class WebhookTargetGuard(IReadOnlyCollection<string> allowedHosts)
{
    private readonly HashSet<string> _allowed = new(allowedHosts, StringComparer.OrdinalIgnoreCase);

    public bool IsAllowed(string host) => _allowed.Contains(host) || _allowed.Contains(host.Trim('[', ']'));

    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        if (!IsAllowed(host))
            addresses = addresses.Where(IsPublic).ToArray();
        if (addresses.Length == 0)
            throw new WebhookTargetRefusedException(host);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Whether <paramref name="address"/> is a public unicast address.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
            return false;
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || (b[0] & 0xFE) == 0xFC); // fc00::/7 unique local
        }
        var v4 = address.GetAddressBytes();
        return v4[0] switch
        {
            0 or 10 or 127 => false,
            100 => v4[1] is < 64 or > 127,            // 100.64.0.0/10 carrier-grade NAT
            169 => v4[1] != 254,                      // 169.254.0.0/16 link-local (cloud metadata)
            172 => v4[1] is < 16 or > 31,             // 172.16.0.0/12
            192 => !(v4[1] == 168 || (v4[1] == 0 && v4[2] == 0)), // 192.168.0.0/16, 192.0.0.0/24
            198 => v4[1] is not (18 or 19),           // 198.18.0.0/15 benchmarking
            >= 224 => false,                          // multicast and reserved
            _ => true,
        };
    }
}
