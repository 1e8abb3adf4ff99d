using System.Diagnostics;
using Npgsql;

namespace Presence.Storage.Tests;

/// <summary>
/// A grain's subscription-row write whose connection the server terminates (<c>pg_terminate_backend</c>, as a fast stop does
/// to every connection): PostgreSQL answers 57P01, "terminating connection due to administrator command". The grain's caller
/// gets <see cref="StorageUnavailableException"/> (a 503 at the gateway), not the driver's exception, which no caller
/// can deserialize (it arrived as Orleans' CodecNotFoundException, a 500).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class TerminatedBackendTests(PostgresFixture postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task Subscribe_FailsWithStorageUnavailable_WhenItsRowWriteIsTerminated_AndSucceedsWhenCalledAgain()
    {
        var connectionString = await postgres.CreateDatabaseAsync("terminated");
        var cluster = await PostgresClusterBuilder.Create(connectionString, silos: 1).DeployAsync();
        try
        {
            var alice = cluster.Client.GetUserGrain(UserKey.Create("acme", "chat", "alice"));
            var bob = cluster.Client.GetUserGrain(UserKey.Create("acme", "chat", "bob"));
            // Both active: their rows are read, and what follows reaches the rows only through alice's write.
            await alice.GetPresenceAsync();
            await bob.GetPresenceAsync();

            await using var blocker = new NpgsqlConnection(connectionString);
            await blocker.OpenAsync();
            Task<SubscribeResult> subscribe;
            var watch = Stopwatch.StartNew();
            await using (var transaction = await blocker.BeginTransactionAsync())
            {
                // Writes to the rows wait behind this lock (reads do not): the write is in flight on its connection when terminated.
                await using (var take = new NpgsqlCommand("LOCK TABLE presence_subscriptions IN EXCLUSIVE MODE", blocker, transaction))
                    await take.ExecuteNonQueryAsync();
                subscribe = alice.SubscribeAsync(["bob"], 3600);
                var terminated = 0;
                await Eventually.TrueAsync(async () =>
                {
                    // Activity is snapshotted once per transaction: take a fresh look each time.
                    await using (var refresh = new NpgsqlCommand("SELECT pg_stat_clear_snapshot()", blocker, transaction))
                        await refresh.ExecuteNonQueryAsync();
                    await using var terminate = new NpgsqlCommand(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity " +
                        "WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%presence_subscriptions%' AND pid <> pg_backend_pid()",
                        blocker, transaction);
                    terminated = (int)(long)(await terminate.ExecuteScalarAsync())!;
                    return terminated > 0;
                }, TimeSpan.FromSeconds(4), "the subscription write waits for the lock (within the 5 s command timeout)");
                await transaction.RollbackAsync();
            }

            var failure = await Record.ExceptionAsync(() => subscribe);
            output.WriteLine($"after {watch.ElapsedMilliseconds} ms: {failure}");
            Assert.IsType<StorageUnavailableException>(failure);
            Assert.Contains(PostgresErrorCodes.AdminShutdown, failure.Message); // the termination, not the command timeout
            Assert.Empty((await alice.GetSubscriptionsAsync(1, 10)).Items);

            // The same activation, once its connection is replaced: the pool dropped the dead one.
            var subscribed = await alice.SubscribeAsync(["bob"], 3600);
            Assert.Equal(["bob"], subscribed.Subscribed.Select(s => s.Presence.Uid));
        }
        finally
        {
            await cluster.StopAsync();
        }
    }
}
