using System.Data;
using System.Diagnostics;

namespace Presence.Storage.Tests;

[Collection(PostgresCollection.Name)]
public sealed class PostgresSubscriptionTableTests(PostgresFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Budget for writing 100,000 rows in one batch, on a 2-core CI machine (measured: well under this).</summary>
    private static readonly TimeSpan BulkWriteBudget = TimeSpan.FromSeconds(20);

    /// <summary>Budget for loading 100,000 watchers of one target (measured: well under this).</summary>
    private static readonly TimeSpan BulkLoadBudget = TimeSpan.FromSeconds(5);

    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private PostgresServices _services = null!;

    private ISubscriptionTable Table => _services.Subscriptions;

    public async Task InitializeAsync() => _services = await PostgresServices.StartAsync(await fixture.DatabaseForAsync(GetType()));

    public async Task DisposeAsync() => await _services.DisposeAsync();

    private string User(string name) => $"org/app/{name}-{_run}";

    [Fact]
    public async Task Rows_AreReadableFromBothEnds_AfterOneBatch()
    {
        string alice = User("alice"), bob = User("bob"), carol = User("carol");

        await Table.WriteAsync(
            [new(alice, bob, T0.AddHours(1)), new(alice, carol, T0.AddHours(2)), new(carol, bob, T0.AddHours(3))],
            [],
            CancellationToken.None);

        var bySubscriber = await Table.ReadBySubscriberAsync(alice, CancellationToken.None);
        var byTarget = await Table.ReadByTargetAsync(bob, CancellationToken.None);
        Assert.Equal([new(alice, bob, T0.AddHours(1)), new(alice, carol, T0.AddHours(2))], bySubscriber.OrderBy(r => r.Target, StringComparer.Ordinal));
        Assert.Equal([new(alice, bob, T0.AddHours(1)), new(carol, bob, T0.AddHours(3))], byTarget.OrderBy(r => r.Subscriber, StringComparer.Ordinal));
        Assert.Empty(await Table.ReadByTargetAsync(alice, CancellationToken.None));
    }

    [Fact]
    public async Task Batch_AppliesDeletesAndUpserts_InOneWrite_UpsertsWinning()
    {
        string alice = User("alice"), bob = User("bob"), carol = User("carol"), dave = User("dave");
        await Table.WriteAsync([new(alice, bob, T0), new(alice, carol, T0), new(alice, dave, T0)], [], CancellationToken.None);

        // As in memory: deletes first, then upserts, the last upsert of a key winning; unknown deletes are ignored.
        await Table.WriteAsync(
            [new(alice, dave, T0.AddDays(1)), new(alice, carol, T0.AddDays(2)), new(alice, carol, T0.AddDays(3))],
            [new(alice, bob), new(alice, dave), new(alice, User("nobody"))],
            CancellationToken.None);

        var rows = await Table.ReadBySubscriberAsync(alice, CancellationToken.None);
        Assert.Equal([new(alice, carol, T0.AddDays(3)), new(alice, dave, T0.AddDays(1))], rows.OrderBy(r => r.Target, StringComparer.Ordinal));
        Assert.Empty(await Table.ReadByTargetAsync(bob, CancellationToken.None));
    }

    [Fact]
    public async Task Batch_LeavesNothingApplied_WhenOneRowFails()
    {
        string alice = User("alice"), bob = User("bob"), carol = User("carol");
        await Table.WriteAsync([new(alice, bob, T0)], [], CancellationToken.None);

        // PostgreSQL text cannot hold U+0000: the last upsert fails after the delete and the other upserts ran. Not an
        // outage, and no Npgsql type leaves the table (a grain's caller could not deserialize it).
        await Assert.ThrowsAsync<DataException>(() => Table.WriteAsync(
            [new(alice, carol, T0), new(alice, "bad\u0000target", T0)],
            [new(alice, bob)],
            CancellationToken.None));

        Assert.Equal([new(alice, bob, T0)], await Table.ReadBySubscriberAsync(alice, CancellationToken.None));
        Assert.Empty(await Table.ReadByTargetAsync(carol, CancellationToken.None));
    }

    [Fact]
    public async Task OverlappingBatches_AllCommit_WhenTheyListTheSameRowsInOppositeOrders()
    {
        // Rows are written in key order whatever order the caller gives, so two batches over the same rows never wait
        // on each other in a circle (unsorted, PostgreSQL would abort one of them as a deadlock, 40P01).
        var subscribers = Enumerable.Range(0, 200).Select(i => User($"fan{i:D3}")).ToArray();
        string star = User("star"), moon = User("moon");
        var writers = Enumerable.Range(0, 8).Select(w =>
        {
            var order = w % 2 == 0 ? subscribers : subscribers.Reverse().ToArray();
            var upserts = order.SelectMany(s => new SubscriptionRow[] { new(s, star, T0.AddMinutes(w)), new(s, moon, T0.AddMinutes(w)) }).ToArray();
            var deletes = order.Where((_, i) => i % 7 == w % 7).Select(s => new SubscriptionKey(s, User("gone"))).ToArray();
            return Task.Run(() => Table.WriteAsync(upserts, deletes, CancellationToken.None));
        }).ToArray();

        await Task.WhenAll(writers);

        var watchers = await Table.ReadByTargetAsync(star, CancellationToken.None);
        Assert.Equal(subscribers.Length, watchers.Count);
        // Each batch is atomic: every row of one target carries the expiry of one and the same (last) writer.
        Assert.Single(watchers.Select(r => r.ExpiresAt).Distinct());
    }

    [Fact]
    public async Task EmptyBatch_IsANoOp()
    {
        await Table.WriteAsync([], [], CancellationToken.None);

        Assert.Empty(await Table.ReadBySubscriberAsync(User("none"), CancellationToken.None));
    }

    [Fact]
    public async Task HundredThousandWatchers_AreWrittenInOneBatch_AndLoadedWithinBudget()
    {
        const int watchers = 100_000;
        var star = User("star");
        var rows = Enumerable.Range(0, watchers).Select(i => new SubscriptionRow($"org/app/fan{i:D6}-{_run}", star, T0.AddMinutes(i % 60))).ToArray();

        var write = Stopwatch.StartNew();
        await Table.WriteAsync(rows, [], CancellationToken.None);
        write.Stop();
        // The first load reads from disk pages just written; the second is the steady state.
        var load = Stopwatch.StartNew();
        var loaded = await Table.ReadByTargetAsync(star, CancellationToken.None);
        load.Stop();
        var reload = Stopwatch.StartNew();
        await Table.ReadByTargetAsync(star, CancellationToken.None);
        reload.Stop();
        var change = Stopwatch.StartNew();
        await Table.WriteAsync([new(rows[0].Subscriber, star, T0.AddDays(1))], [new(rows[1].Subscriber, star)], CancellationToken.None);
        change.Stop();

        output.WriteLine($"write {watchers:N0} rows in one batch: {write.ElapsedMilliseconds} ms (budget {BulkWriteBudget.TotalSeconds:0} s)");
        output.WriteLine($"load {loaded.Count:N0} watchers by target: {load.ElapsedMilliseconds} ms, again: {reload.ElapsedMilliseconds} ms (budget {BulkLoadBudget.TotalSeconds:0} s)");
        output.WriteLine($"change 2 of them: {change.ElapsedMilliseconds} ms");
        Assert.Equal(watchers, loaded.Count);
        Assert.Equal(rows.ToHashSet(), loaded.ToHashSet());
        Assert.Equal(watchers - 1, (await Table.ReadByTargetAsync(star, CancellationToken.None)).Count);
        Assert.True(write.Elapsed < BulkWriteBudget, $"writing took {write.Elapsed}");
        Assert.True(load.Elapsed < BulkLoadBudget, $"loading took {load.Elapsed}");
    }
}
