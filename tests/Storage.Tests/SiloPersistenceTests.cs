using System.Diagnostics;

namespace Presence.Orleans.Runtime.AdoNet.Tests;

/// <summary>The runtime on the PostgreSQL providers: what survives a silo, and what fences a duplicate activation.</summary>
[Collection(PostgresCollection.Name)]
public sealed class SiloPersistenceTests(PostgresFixture fixture, ITestOutputHelper output)
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // The reminder service polls the whole table: each test gets its own database.
    private Task<string> NewDatabaseAsync() => fixture.CreateDatabaseAsync("silo");

    [Fact]
    public async Task State_SurvivesTheSilo_WhenANewSiloStartsOnTheSameDatabase()
    {
        var database = await NewDatabaseAsync();
        await using (var first = await PostgresTestSilo.StartAsync(database, new ManualTimeProvider(T0)))
        {
            await first.Journal("user").AppendAsync("a");
            await first.Journal("user").AppendAsync("b");
        }

        await using var second = await PostgresTestSilo.StartAsync(database, new ManualTimeProvider(T0));

        Assert.Equal(["a", "b"], await second.Journal("user").ReadAsync());
    }

    [Fact]
    public async Task AcknowledgedWrite_IsVisibleToANewSilo_WhenTheOldOneNeverStopped()
    {
        // The old silo is never stopped, as if killed: only what was written through before the call returned counts.
        var database = await NewDatabaseAsync();
        await using var crashed = await PostgresTestSilo.StartAsync(database, new ManualTimeProvider(T0));
        await crashed.Journal("user").AppendAsync("acknowledged");

        await using var replacement = await PostgresTestSilo.StartAsync(database, new ManualTimeProvider(T0));

        Assert.Equal(["acknowledged"], await replacement.Journal("user").ReadAsync());
    }

    [Fact]
    public async Task RacingActivations_OnTwoSilos_ExactlyOneFirstWriteWins_AndTheLoserIsFencedAndRetried()
    {
        var database = await NewDatabaseAsync();
        await using var a = await PostgresTestSilo.StartAsync(database, new ManualTimeProvider(T0));
        await using var b = await PostgresTestSilo.StartAsync(database, new ManualTimeProvider(T0));
        // Both activations load "no record yet" before either writes.
        Assert.Empty(await a.Journal("race").ReadAsync());
        Assert.Empty(await b.Journal("race").ReadAsync());

        var results = await Task.WhenAll(a.Journal("race").AppendAsync("from-a"), b.Journal("race").AppendAsync("from-b"));

        var (winner, loser) = results[0].Count == 1 ? (a, b) : (b, a);
        var winnerEntry = winner == a ? "from-a" : "from-b";
        var loserEntry = winner == a ? "from-b" : "from-a";
        output.WriteLine($"winner: {winnerEntry}");
        Assert.Equal([winnerEntry], results[winner == a ? 0 : 1]);
        // The loser's call ran again on a fresh activation, which loaded the winner's write first.
        Assert.Equal([winnerEntry, loserEntry], results[winner == a ? 1 : 0]);
        Assert.Equal(1, winner.Recorder.Activations);
        Assert.Equal(2, loser.Recorder.Activations);
        Assert.Equal([winnerEntry, loserEntry], (await a.ReadStoredAsync("race")).State.Entries);
    }

    [Fact]
    public async Task StaleActivation_IsFenced_AfterAnotherSiloWrote_AndItsCallSeesTheNewerState()
    {
        var database = await NewDatabaseAsync();
        await using var old = await PostgresTestSilo.StartAsync(database, new ManualTimeProvider(T0));
        await old.Journal("user").AppendAsync("old-1");
        var staleActivation = await old.Journal("user").GetActivationIdAsync();

        // A second silo takes the grain over (the old one was wrongly thought dead) and writes.
        await using var current = await PostgresTestSilo.StartAsync(database, new ManualTimeProvider(T0));
        Assert.Equal(["old-1", "current-1"], await current.Journal("user").AppendAsync("current-1"));

        var afterFencing = await old.Journal("user").AppendAsync("old-2");

        Assert.Equal(["old-1", "current-1", "old-2"], afterFencing);
        Assert.NotEqual(staleActivation, await old.Journal("user").GetActivationIdAsync());
        Assert.Equal(2, old.Recorder.Activations);
        Assert.Equal(afterFencing, (await current.ReadStoredAsync("user")).State.Entries);
    }

    [Fact]
    public async Task Reminder_DueWhileNoSiloRuns_FiresWhenANewSiloStarts()
    {
        var database = await NewDatabaseAsync();
        var clock = new ManualTimeProvider(T0);
        await using (var first = await PostgresTestSilo.StartAsync(database, clock))
            await first.Journal("sleeper").RegisterReminderAsync("wake", TimeSpan.FromMinutes(10), TimeSpan.Zero);

        clock.Advance(TimeSpan.FromMinutes(11));
        await using var second = await PostgresTestSilo.StartAsync(database, clock);
        clock.Advance(PostgresTestSilo.ReminderPoll);

        await Eventually.TrueAsync(() => second.Recorder.Reminders.Count == 1, because: "the overdue reminder is delivered");
        Assert.Equal($"sleeper:wake:{T0.AddMinutes(10):O}", Assert.Single(second.Recorder.Reminders));
        Assert.Equal(["reminder:wake"], (await second.ReadStoredAsync("sleeper")).State.Entries);
        // A one-shot reminder is removed once delivered.
        await Eventually.TrueAsync(async () => await second.ReminderTable.ReadRowAsync(PostgresTestSilo.IdOf("sleeper"), "wake", CancellationToken.None) is null);
    }

    [LocalPostgresFact]
    public async Task GrainCalls_FailFastWithStorageUnavailable_WhileTheDatabaseIsDown_AndTheSameSiloRecovers()
    {
        var database = await NewDatabaseAsync();
        await using var silo = await PostgresTestSilo.StartAsync(database, new ManualTimeProvider(T0));
        await silo.Journal("active").AppendAsync("before");

        await fixture.Server.StopAsync();
        try
        {
            var watch = Stopwatch.StartNew();
            await Assert.ThrowsAsync<StorageUnavailableException>(() => silo.Journal("new").ReadAsync());
            output.WriteLine($"activation while down: StorageUnavailableException after {watch.ElapsedMilliseconds} ms");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
            // An activation that already holds its state still answers reads.
            Assert.Equal(["before"], await silo.Journal("active").ReadAsync());
        }
        finally
        {
            await fixture.Server.StartAsync();
        }

        Assert.Empty(await silo.Journal("new").ReadAsync());
        Assert.Equal(["before", "after"], await silo.Journal("active").AppendAsync("after"));
        Assert.Equal(["before", "after"], (await silo.ReadStoredAsync("active")).State.Entries);
    }
}
