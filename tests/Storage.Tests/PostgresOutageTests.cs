using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Presence.Storage.Tests;

/// <summary>
/// Our own PostgreSQL code (subscription rows, the health probe, the schema) during an outage: it answers with
/// <see cref="StorageUnavailableException"/> within its timeouts and works again, unrestarted, once the server is back.
/// Orleans' storage during an outage is covered by <see cref="GrainStorageOutageTests"/>.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresOutageTests(PostgresFixture fixture, ITestOutputHelper output)
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>An outage must answer within this (the defaults are a 3 s connect and 5 s command timeout).</summary>
    private static readonly TimeSpan DetectionBound = TimeSpan.FromSeconds(10);

    [LocalPostgresFact]
    public async Task SubscriptionsAndHealth_ThrowStorageUnavailableQuickly_WhenTheServerStops_AndWorkAgainWhenItReturns()
    {
        await using var services = await PostgresServices.StartAsync(await fixture.DatabaseForAsync(GetType()));
        var run = Guid.NewGuid().ToString("N")[..8];
        string subscriber = $"org/app/s-{run}", target = $"org/app/t-{run}";
        await services.Subscriptions.WriteAsync([new(subscriber, target, T0)], [], CancellationToken.None);
        await services.Health.PingAsync(CancellationToken.None);

        await fixture.Server.StopAsync();
        try
        {
            var read = await TimeUnavailableAsync(() => services.Subscriptions.ReadByTargetAsync(target, CancellationToken.None));
            output.WriteLine($"read rows while down: StorageUnavailableException after {read.TotalMilliseconds:0} ms");
            Assert.True(read < DetectionBound, $"took {read}");
            await TimeUnavailableAsync(() => services.Subscriptions.ReadBySubscriberAsync(subscriber, CancellationToken.None));
            await TimeUnavailableAsync(() => services.Subscriptions.WriteAsync([new(subscriber, target, T0.AddDays(1))], [], CancellationToken.None));
            var ping = await TimeUnavailableAsync(() => services.Health.PingAsync(CancellationToken.None));
            output.WriteLine($"ping while down: StorageUnavailableException after {ping.TotalMilliseconds:0} ms");
            Assert.True(ping < DetectionBound, $"took {ping}");
        }
        finally
        {
            await fixture.Server.StartAsync();
        }

        // The same instances, no restart: the first call after the server returns succeeds (the outage cleared the dead pool).
        await services.Health.PingAsync(CancellationToken.None);
        await services.Subscriptions.WriteAsync([new(subscriber, target, T0.AddDays(2))], [], CancellationToken.None);
        Assert.Equal([new SubscriptionRow(subscriber, target, T0.AddDays(2))], await services.Subscriptions.ReadByTargetAsync(target, CancellationToken.None));
    }

    [Fact]
    public async Task Read_ThrowsStorageUnavailable_WithinTheCommandTimeout_WhenTheServerDoesNotAnswer()
    {
        var connectionString = await fixture.DatabaseForAsync(GetType());
        await using var services = await PostgresServices.StartAsync(connectionString, o => o.CommandTimeout = TimeSpan.FromSeconds(1));
        var target = "org/app/stuck-" + Guid.NewGuid().ToString("N")[..8];

        // Another session holds the table: the read waits, as it would on a hung server.
        await using var blocker = new NpgsqlConnection(connectionString);
        await blocker.OpenAsync();
        await using (var transaction = await blocker.BeginTransactionAsync())
        {
            await using (var take = new NpgsqlCommand("LOCK TABLE presence_subscriptions IN ACCESS EXCLUSIVE MODE", blocker, transaction))
                await take.ExecuteNonQueryAsync();

            var elapsed = await TimeUnavailableAsync(() => services.Subscriptions.ReadByTargetAsync(target, CancellationToken.None));
            output.WriteLine($"read blocked by a lock: StorageUnavailableException after {elapsed.TotalMilliseconds:0} ms (command timeout 1 s)");
            Assert.True(elapsed < TimeSpan.FromSeconds(5), $"took {elapsed}");
            await transaction.RollbackAsync();
        }

        Assert.Empty(await services.Subscriptions.ReadByTargetAsync(target, CancellationToken.None));
    }

    [Fact]
    public async Task SchemaAndPing_ThrowStorageUnavailable_WithinTheConnectTimeout_WhenTheServerNeverAnswers()
    {
        // Accepts TCP connections (the kernel completes the handshake) and never says a word.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        await using var services = await PostgresServices.StartAsync(
            $"Host=127.0.0.1;Port={port};Username=postgres;Database=none", o => o.ConnectTimeout = TimeSpan.FromSeconds(1), applySchema: false);

        var schema = await TimeUnavailableAsync(() => PostgresSchemaInitializer.ApplyAsync(services.Database, CancellationToken.None));
        var ping = await TimeUnavailableAsync(() => services.Health.PingAsync(CancellationToken.None));

        output.WriteLine($"silent server: schema StorageUnavailableException after {schema.TotalMilliseconds:0} ms, ping after {ping.TotalMilliseconds:0} ms (connect timeout 1 s)");
        Assert.True(schema < TimeSpan.FromSeconds(5), $"took {schema}");
        Assert.True(ping < TimeSpan.FromSeconds(5), $"took {ping}");
    }

    [LocalPostgresFact]
    public async Task SchemaInitializer_WaitsWhileTheServerIsDown_AndAppliesTheSchemaOnceItReturns()
    {
        var connectionString = await fixture.CreateDatabaseAsync("schema_wait");
        await using var services = await PostgresServices.StartAsync(connectionString, applySchema: false);
        var logger = new RecordingLogger<PostgresSchemaInitializer>();
        var initializer = new PostgresSchemaInitializer(services.Database, Options.Create(services.Database.Options), logger);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        Task starting;
        await fixture.Server.StopAsync();
        try
        {
            // The silo's first lifecycle stage: it does not fail the start, it waits for the database.
            starting = initializer.StartAsync(deadline.Token);
            await Eventually.TrueAsync(() => logger.Warnings.Count >= 2, TimeSpan.FromSeconds(20), "the initializer retries while the server is down");
            Assert.False(starting.IsCompleted);
        }
        finally
        {
            await fixture.Server.StartAsync();
        }

        await starting.WaitAsync(TimeSpan.FromSeconds(20));
        output.WriteLine(string.Join(Environment.NewLine, logger.Warnings));
        await using var check = services.Database.DataSource.CreateCommand("SELECT count(*) FROM OrleansQuery");
        Assert.True((long)(await check.ExecuteScalarAsync())! > 0);
    }

    private static async Task<TimeSpan> TimeUnavailableAsync(Func<Task> call)
    {
        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAsync<StorageUnavailableException>(call);
        return watch.Elapsed;
    }
}
