using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Presence.Orleans.Runtime.AdoNet.Tests;

/// <summary>Dependency-injection shape only: no database is contacted.</summary>
public sealed class PostgresRegistrationTests
{
    private const string ConnectionString = "Host=127.0.0.1;Port=1;Username=postgres;Database=none";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task PostgresProviders_ReplaceTheInMemoryOnes_InEitherRegistrationOrder(bool postgresFirst)
    {
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        if (postgresFirst)
            services.AddPostgresGrainPersistence(ConnectionString).AddInMemoryGrainPersistence();
        else
            services.AddInMemoryGrainPersistence().AddPostgresGrainPersistence(ConnectionString);
        await using var provider = services.BuildServiceProvider();

        Assert.IsType<PostgresGrainStorage>(provider.GetRequiredService<IGrainStorage>());
        Assert.IsType<PostgresReminderTable>(provider.GetRequiredService<IReminderTable>());
        Assert.IsType<PostgresSubscriptionTable>(provider.GetRequiredService<ISubscriptionTable>());
        Assert.Single(provider.GetServices<IGrainStorage>());
        Assert.Same(provider.GetRequiredService<PostgresDatabase>().DataSource, provider.GetRequiredService<PostgresDatabase>().DataSource);
    }

    [Fact]
    public async Task Options_BindFromConfiguration_AndSetTheConnectionTimeouts()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Presence:Storage:Postgres:ConnectTimeout"] = "00:00:02",
            ["Presence:Storage:Postgres:CommandTimeout"] = "00:00:04",
        }).Build();
        await using var provider = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration)
            .AddPostgresGrainPersistence(ConnectionString + ";Timeout=60;Command Timeout=60")
            .BuildServiceProvider();

        var settings = new Npgsql.NpgsqlConnectionStringBuilder(provider.GetRequiredService<PostgresDatabase>().DataSource.ConnectionString);

        Assert.Equal(2, settings.Timeout);
        Assert.Equal(4, settings.CommandTimeout);
    }

    [Fact]
    public async Task Options_AreRejected_WhenATimeoutIsBelowOneSecond()
    {
        await using var provider = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddPostgresGrainPersistence(ConnectionString, o => o.CommandTimeout = TimeSpan.FromMilliseconds(100))
            .BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IGrainStorage>());
        Assert.Contains(nameof(PostgresPersistenceOptions.CommandTimeout), error.Message);
    }
}
