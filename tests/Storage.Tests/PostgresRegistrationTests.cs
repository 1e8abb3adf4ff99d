using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Storage;

namespace Presence.Storage.Tests;

/// <summary>
/// What <see cref="SiloHostingExtensions.AddPresence"/> registers for each storage provider: dependency-injection shape only,
/// the host is built but never started, and no database is contacted.
/// </summary>
public sealed class PostgresRegistrationTests
{
    private const string ConnectionString = "Host=127.0.0.1;Port=1;Username=postgres;Database=none";
    private const string StockStorageName = "postgres";

    private static readonly Dictionary<string, string?> Postgres = new()
    {
        ["Presence:Storage:Provider"] = "Postgres",
        ["ConnectionStrings:Presence"] = ConnectionString,
    };

    [Fact]
    public void PostgresStorage_IsOurGroupCommitStorage_ByDefault_AllOnOneDataSource()
    {
        using var host = BuildSilo(Postgres);
        var services = host.Services;
        var database = services.GetRequiredService<PostgresDatabase>();

        // It translates storage errors itself: no wrapper.
        Assert.IsType<GroupCommitGrainStorage>(services.GetRequiredKeyedService<IGrainStorage>(UserPresenceGrain.StorageName));
        Assert.Null(services.GetKeyedService<IGrainStorage>(StockStorageName));
        var options = services.GetRequiredService<IOptions<GroupCommitOptions>>().Value;
        Assert.Equal((128, 4), (options.MaxBatchSize, options.Flushers));

        AssertRemindersRowsAndSchemaOn(services, database);
    }

    [Fact]
    public void PostgresStorage_IsOrleansAdoNetStorageBehindTheOutageWrapper_WhenGrainStorageIsAdoNet_AllOnOneDataSource()
    {
        using var host = BuildSilo(new(Postgres) { ["Presence:Storage:GrainStorage"] = "AdoNet" });
        var services = host.Services;
        var database = services.GetRequiredService<PostgresDatabase>();

        var storage = services.GetRequiredKeyedService<IGrainStorage>(UserPresenceGrain.StorageName);
        Assert.IsType<OutageAwareGrainStorage>(storage);
        Assert.IsType<AdoNetGrainStorage>(services.GetRequiredKeyedService<IGrainStorage>(StockStorageName));
        var storageOptions = services.GetRequiredService<IOptionsMonitor<AdoNetGrainStorageOptions>>().Get(StockStorageName);
        Assert.Equal("Npgsql", storageOptions.Invariant);
        Assert.Same(database.DataSource, storageOptions.DataSource);
        Assert.IsType<SystemTextJsonGrainStorageSerializer>(storageOptions.GrainStorageSerializer);

        AssertRemindersRowsAndSchemaOn(services, database);
    }

    [Theory]
    [InlineData("Fast")]
    [InlineData("1")]
    [InlineData("")]
    public void GrainStorage_IsRejectedNamingTheValuesAllowed_WhenUnknown(string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => BuildSilo(new(Postgres) { ["Presence:Storage:GrainStorage"] = value }));

        Assert.Contains($"Presence:Storage:GrainStorage '{value}'", error.Message);
        Assert.Contains("GroupCommit", error.Message);
        Assert.Contains("AdoNet", error.Message);
    }

    [Theory]
    [InlineData("groupcommit", typeof(GroupCommitGrainStorage), UserPresenceGrain.StorageName)]
    [InlineData("ADONET", typeof(AdoNetGrainStorage), StockStorageName)]
    public void GrainStorage_IsReadIgnoringCase(string value, Type provider, string name)
    {
        using var host = BuildSilo(new(Postgres) { ["Presence:Storage:GrainStorage"] = value });

        Assert.IsType(provider, host.Services.GetRequiredKeyedService<IGrainStorage>(name));
    }

    [Fact]
    public void GroupCommitOptions_AreRejectedNamingTheSetting_WhenNotPositive()
    {
        using var host = BuildSilo(new(Postgres) { ["Presence:Storage:GroupCommit:Flushers"] = "0" });

        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<GroupCommitOptions>>().Value);
        Assert.Contains("Presence:Storage:GroupCommit:Flushers", error.Message);
    }

    private static void AssertRemindersRowsAndSchemaOn(IServiceProvider services, PostgresDatabase database)
    {
        var reminders = Assert.IsType<OutageAwareReminderTable>(services.GetRequiredService<IReminderTable>());
        Assert.Equal("AdoNetReminderTable", reminders.Inner.GetType().Name);
        var reminderOptions = services.GetRequiredService<IOptions<AdoNetReminderTableOptions>>().Value;
        Assert.Equal("Npgsql", reminderOptions.Invariant);
        Assert.Same(database.DataSource, reminderOptions.DataSource);

        Assert.IsType<PostgresSubscriptionTable>(services.GetRequiredService<ISubscriptionTable>());
        Assert.IsType<PostgresHealth>(services.GetRequiredService<IStorageHealth>());
        Assert.Single(services.GetServices<ILifecycleParticipant<ISiloLifecycle>>().OfType<PostgresSchemaInitializer>());
    }

    [Fact]
    public void MemoryStorage_IsTheDefault_AndRegistersNothingOfPostgres()
    {
        using var host = BuildSilo([]);
        var services = host.Services;

        Assert.Null(services.GetService<PostgresDatabase>());
        Assert.IsType<InMemorySubscriptionTable>(services.GetRequiredService<ISubscriptionTable>());
        Assert.IsType<InMemoryStorageHealth>(services.GetRequiredService<IStorageHealth>());
        Assert.IsType<InMemoryGrainStorage>(services.GetRequiredKeyedService<IGrainStorage>(UserPresenceGrain.StorageName));
        Assert.Empty(services.GetServices<ILifecycleParticipant<ISiloLifecycle>>().OfType<PostgresSchemaInitializer>());
    }

    [Fact]
    public void PostgresStorage_IsRejectedNamingTheMissingKey_WhenThereIsNoConnectionString()
    {
        var error = Assert.Throws<InvalidOperationException>(() => BuildSilo(new() { ["Presence:Storage:Provider"] = "Postgres" }));

        Assert.Contains("ConnectionStrings:Presence", error.Message);
        Assert.Contains("ConnectionStrings__Presence", error.Message);
    }

    [Fact]
    public void Options_BindFromConfiguration_AndSetTheTimeoutsOfTheSharedConnectionString()
    {
        using var host = BuildSilo(new(Postgres)
        {
            ["Presence:Storage:GrainStorage"] = "AdoNet",
            ["ConnectionStrings:Presence"] = ConnectionString + ";Timeout=60;Command Timeout=60",
            ["Presence:Storage:Postgres:ConnectTimeout"] = "00:00:02",
            ["Presence:Storage:Postgres:CommandTimeout"] = "00:00:04",
        });

        // Orleans' providers use the same data source, so they give up on an unreachable database as fast as our code.
        var dataSource = host.Services.GetRequiredService<IOptionsMonitor<AdoNetGrainStorageOptions>>().Get(StockStorageName).DataSource;
        var settings = new NpgsqlConnectionStringBuilder(((NpgsqlDataSource)dataSource!).ConnectionString);
        Assert.Equal(2, settings.Timeout);
        Assert.Equal(4, settings.CommandTimeout);
    }

    [Fact]
    public void Options_AreRejectedNamingTheSetting_WhenATimeoutIsBelowOneSecond()
    {
        using var host = BuildSilo(new(Postgres) { ["Presence:Storage:Postgres:CommandTimeout"] = "00:00:00.100" });

        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<PostgresDatabase>());
        Assert.Contains(nameof(PostgresPersistenceOptions.CommandTimeout), error.Message);
    }

    private static IHost BuildSilo(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = Environments.Development });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.UseOrleans(silo => silo.UseLocalhostClustering().AddPresence(builder.Configuration));
        return builder.Build();
    }
}
