using System.Net;

namespace Presence.Hosting;

/// <summary>How this silo finds and joins its cluster (<c>Presence:Cluster</c>).</summary>
public sealed class PresenceClusterOptions
{
    public const string SectionName = "Presence:Cluster";

    /// <summary>The connection string that <c>Postgres</c> clustering uses (<c>ConnectionStrings:Presence</c>, shared with storage).</summary>
    public const string ConnectionStringName = "Presence";

    /// <summary>The ADO.NET invariant of Npgsql, as Orleans' ADO.NET providers name it.</summary>
    public const string NpgsqlInvariant = "Npgsql";

    /// <summary><c>Localhost</c> (one silo, nothing to configure) or <c>Postgres</c> (membership in <c>ConnectionStrings:Presence</c>).</summary>
    public ClusterProvider Provider { get; set; } = ClusterProvider.Localhost;

    public string ClusterId { get; set; } = "presence";

    public string ServiceId { get; set; } = "presence";

    /// <summary>Port for silo-to-silo traffic.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port Orleans clients (gateways) connect to.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos and clients reach this silo at; default <c>POD_IP</c>, else loopback.</summary>
    public string? AdvertisedAddress { get; set; }

    public IPAddress ResolveAdvertisedAddress() =>
        IPAddress.Parse(AdvertisedAddress is { Length: > 0 } address ? address
            : Environment.GetEnvironmentVariable("POD_IP") is { Length: > 0 } podIp ? podIp
            : IPAddress.Loopback.ToString());
}

public enum ClusterProvider
{
    /// <summary>Development clustering on loopback: this silo is the whole cluster.</summary>
    Localhost,

    /// <summary>Orleans' ADO.NET membership table in PostgreSQL, the same database as storage.</summary>
    Postgres,
}
