using System.Reflection;

namespace Presence.Cluster.Tests;

/// <summary>Where the build put the silo and the gateway (baked into this assembly by the .csproj).</summary>
public static class ServiceAssemblies
{
    public static string Silo => Find("SiloAssemblyPath");

    public static string Gateway => Find("GatewayAssemblyPath");

    private static string Find(string key) =>
        typeof(ServiceAssemblies).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"This assembly was built without the {key} metadata (see the .csproj).");
}
