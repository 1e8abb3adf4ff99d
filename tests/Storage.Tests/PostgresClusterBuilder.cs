using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace Presence.Storage.Tests;

/// <summary>
/// In-process Orleans clusters whose silos run the presence grains exactly as the silo host configures them
/// (<see cref="SiloHostingExtensions.AddPresence"/> with <c>Presence:Storage:Provider=Postgres</c>): grain storage (ours with
/// group commit by default, or Orleans' ADO.NET one), Orleans' ADO.NET reminders and our subscription rows, all on one PostgreSQL database. Membership, the grain directory and
/// the transport are TestingHost's in-process ones.
/// </summary>
internal static class PostgresClusterBuilder
{
    /// <summary>A cluster on <paramref name="connectionString"/>; <paramref name="grainStorage"/> null keeps the default provider.</summary>
    public static InProcessTestClusterBuilder Create(string connectionString, short silos, string? serviceId = null, GrainStorageProvider? grainStorage = null)
    {
        var builder = new InProcessTestClusterBuilder(silos);
        builder.Options.ConfigureFileLogging = false;
        if (serviceId is not null)
            builder.Options.ServiceId = serviceId;
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Presence:Storage:Provider"] = "Postgres",
                [$"ConnectionStrings:{StorageOptions.ConnectionStringName}"] = connectionString,
                [$"{StorageOptions.SectionName}:{nameof(StorageOptions.GrainStorage)}"] = grainStorage?.ToString(),
            });
            host.UseOrleans(silo => silo.AddPresence(host.Configuration));
        });
        return builder;
    }

    /// <summary>
    /// Membership that declares a killed silo dead within about a second, as Orleans' own liveness tests configure it:
    /// one missed probe, one vote, short probe timeout. Set on the client too, which sizes <c>WaitForLivenessToStabilizeAsync</c>.
    /// </summary>
    public static InProcessTestClusterBuilder WithFastDeathDetection(this InProcessTestClusterBuilder builder) =>
        builder.ConfigureHost(host => host.Services.Configure<ClusterMembershipOptions>(options =>
        {
            options.NumMissedProbesLimit = 1;
            options.NumVotesForDeathDeclaration = 1;
            options.ProbeTimeout = TimeSpan.FromMilliseconds(500);
            options.TableRefreshTimeout = TimeSpan.FromSeconds(1);
        }));

    public static async Task<InProcessTestCluster> DeployAsync(this InProcessTestClusterBuilder builder)
    {
        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops what is left of a cluster; a test that killed silos may leave little.</summary>
    public static async Task StopAsync(this InProcessTestCluster cluster)
    {
        try
        {
            await cluster.StopAllSilosAsync();
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }
}
