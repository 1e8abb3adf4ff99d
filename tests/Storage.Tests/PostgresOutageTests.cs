using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Presence.Orleans.Runtime.AdoNet.Tests;

[Collection(PostgresCollection.Name)]
public sealed class PostgresOutageTests(PostgresFixture fixture, ITestOutputHelper output)
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>An outage must answer within this (the defaults are a 3 s connect and 5 s command timeout).</summary>
    private static readonly TimeSpan DetectionBound = TimeSpan.FromSeconds(10);

    [LocalPostgresFact]
    public async Task Providers_ThrowStorageUnavailableQuickly_WhenTheServerStops_AndWorkAgainWhenItReturns()
    {
        await using var providers = await PostgresProviders.StartAsync(await fixture.DatabaseForAsync(GetType()));
        var id = new GrainId("test", "outage-" + Guid.NewGuid().ToString("N"));
        var state = new GrainState<TestState>();
        state.State.Value = "before";
        await providers.Storage.WriteStateAsync("s", id, state, CancellationToken.None);
        await providers.Health.PingAsync(CancellationToken.None);

        await fixture.Server.StopAsync();
        try
        {
            var elapsed = await TimeUnavailableAsync(() => providers.Storage.ReadStateAsync("s", id, new GrainState<TestState>(), CancellationToken.None));
            output.WriteLine($"read state while down: StorageUnavailableException after {elapsed.TotalMilliseconds:0} ms");
            Assert.True(elapsed < DetectionBound, $"took {elapsed}");
            await TimeUnavailableAsync(() => providers.Storage.WriteStateAsync("s", id, state, CancellationToken.None));
            await TimeUnavailableAsync(() => providers.Reminders.ReadDueAsync(T0, 10, CancellationToken.None));
            await TimeUnavailableAsync(() => providers.Reminders.UpsertRowAsync(new ReminderEntry(id, "r", T0, TimeSpan.Zero, T0), CancellationToken.None));
            await TimeUnavailableAsync(() => providers.Subscriptions.ReadByTargetAsync("t", CancellationToken.None));
            await TimeUnavailableAsync(() => providers.Subscriptions.WriteAsync([new("s", "t", T0)], [], CancellationToken.None));
            var ping = await TimeUnavailableAsync(() => providers.Health.PingAsync(CancellationToken.None));
            output.WriteLine($"ping while down: StorageUnavailableException after {ping.TotalMilliseconds:0} ms");
        }
        finally
        {
            await fixture.Server.StartAsync();
        }

        // The same provider instances, no restart: the first call after the server returns succeeds.
        await providers.Health.PingAsync(CancellationToken.None);
        state.State.Value = "after";
        await providers.Storage.WriteStateAsync("s", id, state, CancellationToken.None);
        var read = new GrainState<TestState>();
        await providers.Storage.ReadStateAsync("s", id, read, CancellationToken.None);
        Assert.Equal("after", read.State.Value);
        await providers.Subscriptions.WriteAsync([new("s", "t", T0)], [], CancellationToken.None);
        Assert.Single(await providers.Subscriptions.ReadByTargetAsync("t", CancellationToken.None));
    }

    [Fact]
    public async Task Read_ThrowsStorageUnavailable_WithinTheCommandTimeout_WhenTheServerDoesNotAnswer()
    {
        var connectionString = await fixture.DatabaseForAsync(GetType());
        await using var providers = await PostgresProviders.StartAsync(connectionString, o => o.CommandTimeout = TimeSpan.FromSeconds(1));
        var id = new GrainId("test", "stuck-" + Guid.NewGuid().ToString("N"));

        // Another session holds the table: the read waits, as it would on a hung server.
        await using var blocker = new NpgsqlConnection(connectionString);
        await blocker.OpenAsync();
        await using (var transaction = await blocker.BeginTransactionAsync())
        {
            await using (var take = new NpgsqlCommand("LOCK TABLE presence_grain_state IN ACCESS EXCLUSIVE MODE", blocker, transaction))
                await take.ExecuteNonQueryAsync();

            var elapsed = await TimeUnavailableAsync(() => providers.Storage.ReadStateAsync("s", id, new GrainState<TestState>(), CancellationToken.None));
            output.WriteLine($"read blocked by a lock: StorageUnavailableException after {elapsed.TotalMilliseconds:0} ms (command timeout 1 s)");
            Assert.True(elapsed < TimeSpan.FromSeconds(5), $"took {elapsed}");
            await transaction.RollbackAsync();
        }

        var state = new GrainState<TestState>();
        await providers.Storage.ReadStateAsync("s", id, state, CancellationToken.None);
        Assert.False(state.RecordExists);
    }

    [Fact]
    public async Task Init_ThrowsStorageUnavailable_WithinTheConnectTimeout_WhenTheServerNeverAnswers()
    {
        // Accepts TCP connections (the kernel completes the handshake) and never says a word.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;

        var elapsed = await TimeUnavailableAsync(async () =>
        {
            await using var providers = await PostgresProviders.StartAsync($"Host=127.0.0.1;Port={port};Username=postgres;Database=none", o => o.ConnectTimeout = TimeSpan.FromSeconds(1));
        });

        output.WriteLine($"silent server: StorageUnavailableException after {elapsed.TotalMilliseconds:0} ms (connect timeout 1 s)");
        Assert.True(elapsed < TimeSpan.FromSeconds(5), $"took {elapsed}");
    }

    private static async Task<TimeSpan> TimeUnavailableAsync(Func<Task> call)
    {
        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAsync<StorageUnavailableException>(call);
        return watch.Elapsed;
    }
}
