using System.Diagnostics;
using System.Net;
using Npgsql;

namespace Presence.Silo.Tests;

/// <summary>
/// PostgreSQL stopped (<c>pg_ctl stop -m immediate</c>, as a crash) under a running silo, and a silo started while it
/// is down: calls answer 503 quickly, readiness drops, and everything recovers by itself when the database returns.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DatabaseOutageTests(PostgresFixture fixture, ITestOutputHelper output) : SiloTestBase(fixture, output)
{
    /// <summary>Issue 4: "no hang past a few seconds" (the providers' defaults are a 3 s connect and 5 s command timeout).</summary>
    private static readonly TimeSpan AnswerBound = TimeSpan.FromSeconds(10);

    /// <summary>How long recovery may take once the server accepts connections again (start-up retries run every 2 s).</summary>
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(30);

    [LocalPostgresFact]
    public async Task SetPresence_Answers503AndRecoversWithoutRestart_WhenTheDatabaseStopsAndStartsUnderARunningSilo()
    {
        var database = await NewDatabaseAsync();
        var silo = await StartSiloAsync(database);
        await silo.Client.SetPresenceAsync("alice", "web", "1", "before");
        var (subscribed, _) = await silo.Client.SubscribeAsync("alice", 3600, "bob");

        await Fixture.Server.StopAsync();
        try
        {
            var clock = Stopwatch.StartNew();
            using (var response = await silo.Client.SendSetPresenceAsync("alice", "web", "1", "during"))
            {
                var elapsed = clock.Elapsed;
                Output.WriteLine($"R1 while the database is down: {(int)response.StatusCode} after {elapsed.TotalMilliseconds:0} ms");
                await PresenceClient.AssertErrorAsync(response, HttpStatusCode.ServiceUnavailable, "service_unavailable");
                Assert.True(elapsed < AnswerBound, $"R1 took {elapsed} to fail");
            }

            clock.Restart();
            var ready = await silo.StatusOfAsync("/health/ready");
            Output.WriteLine($"/health/ready while the database is down: {(int?)ready} after {clock.ElapsedMilliseconds} ms");
            Assert.NotEqual(HttpStatusCode.OK, ready);
            Assert.NotNull(ready);
            Assert.Equal(HttpStatusCode.OK, await silo.StatusOfAsync("/health/live"));

            // An active grain still answers reads from memory, and shows the failed write did not happen.
            var presence = await silo.Client.GetPresenceAsync("alice");
            Assert.Equal("before", presence.Ext);
            Assert.Equal(new SortedDictionary<string, string> { ["web"] = "1" }, presence.SortedStatus);

            // A user that is not active cannot be loaded: 503 as well, never 500.
            clock.Restart();
            using (var response = await silo.Client.SendGetPresenceAsync("observer", "frank"))
            {
                Output.WriteLine($"R3 of an inactive user while the database is down: {(int)response.StatusCode} after {clock.ElapsedMilliseconds} ms");
                await PresenceClient.AssertErrorAsync(response, HttpStatusCode.ServiceUnavailable, "service_unavailable");
            }
        }
        finally
        {
            await Fixture.Server.StartAsync();
        }

        // Same process, no restart: writes succeed again once the server is back.
        var recovery = Stopwatch.StartNew();
        await Eventually.TrueAsync(
            async () =>
            {
                using var response = await silo.Client.SendSetPresenceAsync("alice", "web", "1", "after");
                return response.StatusCode == HttpStatusCode.OK;
            },
            RecoveryBound,
            "R1 to succeed again after the database restarted");
        Output.WriteLine($"R1 succeeded again {recovery.ElapsedMilliseconds} ms after the database was started");
        await Eventually.TrueAsync(async () => await silo.StatusOfAsync("/health/ready") == HttpStatusCode.OK, RecoveryBound, "the silo to be ready again");
        Output.WriteLine($"/health/ready answered 200 again {recovery.ElapsedMilliseconds} ms after the database was started");
        Assert.Equal("after", (await silo.Client.GetPresenceAsync("alice")).Ext);
        Assert.Equal("", (await silo.Client.GetPresenceAsync("frank")).Ext);

        // Nothing acknowledged, before or after the outage, was lost.
        silo = await KillAndRestartAsync(silo);
        var stored = await silo.Client.GetPresenceAsync("alice");
        Assert.Equal("after", stored.Ext);
        Assert.Equal(new SortedDictionary<string, string> { ["web"] = "1" }, stored.SortedStatus);
        Assert.Equal([("bob", subscribed["bob"])], await silo.Client.GetSubscriptionsAsync("alice"));
    }

    [LocalPostgresFact]
    public async Task Silo_IsLiveButNotReadyAndBecomesReadyByItself_WhenItStartsWhileTheDatabaseIsDown()
    {
        var database = await NewDatabaseAsync();
        SiloProcess silo;
        await Fixture.Server.StopAsync();
        try
        {
            silo = await StartSiloAsync(database, waitUntilReady: false);
            Assert.Equal(HttpStatusCode.OK, await silo.StatusOfAsync("/health/live"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await silo.StatusOfAsync("/health/ready"));
            // Until Orleans has started every route but /health answers 503, the token route included.
            using (var token = await silo.Client.SendIssueAppTokenAsync())
                await PresenceClient.AssertErrorAsync(token, HttpStatusCode.ServiceUnavailable, "service_unavailable");
            using var response = await silo.Client.SendSetPresenceAsync("alice", "web", "1", "too early", token: "not-issued-yet");
            await PresenceClient.AssertErrorAsync(response, HttpStatusCode.ServiceUnavailable, "service_unavailable");
        }
        finally
        {
            await Fixture.Server.StartAsync();
        }

        var recovery = Stopwatch.StartNew();
        await Eventually.TrueAsync(async () => await silo.StatusOfAsync("/health/ready") == HttpStatusCode.OK, RecoveryBound, "the silo to become ready");
        Output.WriteLine($"/health/ready answered 200 {recovery.ElapsedMilliseconds} ms after the database was started");
        Assert.False(silo.HasExited);

        // The schema was created late, and the silo serves and persists.
        await silo.Client.SetPresenceAsync("alice", "web", "1", "ready");
        silo = await KillAndRestartAsync(silo);
        Assert.Equal("ready", (await silo.Client.GetPresenceAsync("alice")).Ext);
    }

    /// <summary>
    /// The database goes away after the schema is in place and before Orleans' reminder table starts (the window where a
    /// silo used to exit with an unhandled PostgresException): the start waits, says so, and completes when it returns.
    /// </summary>
    [LocalPostgresFact]
    public async Task Silo_WaitsAtItsReminderTableAndBecomesReady_WhenTheDatabaseIsDownOnceTheSchemaIsInPlace()
    {
        var database = await NewDatabaseAsync();
        var first = await StartSiloAsync(database); // applies the schema
        await first.KillAsync();
        SiloProcess silo;
        await Fixture.Server.StopAsync();
        try
        {
            // Without the schema step the first thing that needs the database is the reminder table's start.
            silo = await StartSiloAsync(database, new Dictionary<string, string> { ["Presence:Storage:Postgres:InitializeSchema"] = "false" },
                name: "silo-2", waitUntilReady: false);
            await Eventually.TrueAsync(() => silo.Log.Contains("The reminder table cannot start: PostgreSQL is unavailable", StringComparison.Ordinal),
                RecoveryBound, "the start to say it waits for the database");
            Assert.False(silo.HasExited, silo.Log);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await silo.StatusOfAsync("/health/ready"));
        }
        finally
        {
            await Fixture.Server.StartAsync();
        }

        await Eventually.TrueAsync(async () => await silo.StatusOfAsync("/health/ready") == HttpStatusCode.OK, RecoveryBound, "the silo to become ready");
        await silo.Client.SetPresenceAsync("alice", "web", "1", "after the wait");
        Assert.Equal("after the wait", (await silo.Client.GetPresenceAsync("alice")).Ext);
    }

    [Fact]
    public async Task SetPresence_Answers503WithinSeconds_WhenTheDatabaseDoesNotAnswer()
    {
        var database = await NewDatabaseAsync();
        var silo = await StartSiloAsync(database);
        await silo.Client.SetPresenceAsync("alice", "web", "1", "before");

        // Another session holds the state table, so the silo's write waits as on a hung server (default timeouts).
        await using var blocker = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database.ConnectionString) { Pooling = false }.ConnectionString);
        await blocker.OpenAsync();
        await using (var transaction = await blocker.BeginTransactionAsync())
        {
            await using (var take = new NpgsqlCommand($"LOCK TABLE {PresenceDatabase.GrainStateTable} IN ACCESS EXCLUSIVE MODE", blocker, transaction))
                await take.ExecuteNonQueryAsync();

            var clock = Stopwatch.StartNew();
            using var response = await silo.Client.SendSetPresenceAsync("alice", "web", "1", "during");
            Output.WriteLine($"R1 while the state table is locked: {(int)response.StatusCode} after {clock.ElapsedMilliseconds} ms");
            await PresenceClient.AssertErrorAsync(response, HttpStatusCode.ServiceUnavailable, "service_unavailable");
            Assert.True(clock.Elapsed < AnswerBound, $"R1 took {clock.Elapsed} to fail");
            await transaction.RollbackAsync();
        }

        await silo.Client.SetPresenceAsync("alice", "web", "1", "after");
        silo = await KillAndRestartAsync(silo);
        Assert.Equal("after", (await silo.Client.GetPresenceAsync("alice")).Ext);
    }

    [LocalPostgresFact]
    public async Task Sigterm_ExitsWithCodeZeroWithinSeconds_WhenTheDatabaseIsDown()
    {
        var database = await NewDatabaseAsync();
        var running = await StartSiloAsync(database, name: "running");
        await running.Client.SetPresenceAsync("alice", "web", "1", "active grain");

        await Fixture.Server.StopAsync();
        try
        {
            // One silo with active grains, and one still retrying its start.
            var starting = await StartSiloAsync(database, name: "starting", waitUntilReady: false);
            foreach (var silo in new[] { running, starting })
            {
                var (exitCode, elapsed) = await silo.TerminateAsync(TimeSpan.FromSeconds(20));
                Assert.Equal(0, exitCode);
                Assert.True(elapsed < AnswerBound, $"{silo.Name} took {elapsed} to stop");
            }
        }
        finally
        {
            await Fixture.Server.StartAsync();
        }
    }
}
