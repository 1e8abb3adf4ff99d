using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Presence.Storage.Tests;

/// <summary>
/// Grain storage during a PostgreSQL outage, with either provider (ours with group commit, Orleans' ADO.NET one behind
/// our <see cref="OutageAwareGrainStorage"/>): every state read and write fails fast with <see cref="StorageUnavailableException"/>
/// (a 503 at the gateway), what was acknowledged stays what the user shows, and the same silo works again once the server is back.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class GrainStorageOutageTests(PostgresFixture postgres, ITestOutputHelper output)
{
    /// <summary>An outage must answer within this (the defaults are a 3 s connect and 5 s command timeout).</summary>
    private static readonly TimeSpan DetectionBound = TimeSpan.FromSeconds(10);

    [LocalPostgresTheory]
    [InlineData(GrainStorageProvider.GroupCommit)]
    [InlineData(GrainStorageProvider.AdoNet)]
    public async Task StateWrite_FailsWithStorageUnavailable_WhileTheServerIsDown_AndTheSameSiloRecovers(GrainStorageProvider grainStorage)
    {
        var connectionString = await postgres.CreateDatabaseAsync("grain_outage");
        var cluster = await PostgresClusterBuilder.Create(connectionString, silos: 1, grainStorage: grainStorage).DeployAsync();
        try
        {
            var alice = cluster.Client.GetUserGrain(UserKey.Create("acme", "chat", "alice"));
            var newcomer = cluster.Client.GetUserGrain(UserKey.Create("acme", "chat", "newcomer"));
            var acknowledged = await alice.SetStatusAsync("mobile", "1", "before");
            var storage = cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(UserPresenceGrain.StorageName);
            Assert.IsType(grainStorage == GrainStorageProvider.AdoNet ? typeof(OutageAwareGrainStorage) : typeof(GroupCommitGrainStorage), storage);

            await postgres.Server.StopAsync();
            try
            {
                var write = await TimeUnavailableAsync(() => alice.SetStatusAsync("mobile", "2", "during"));
                output.WriteLine($"state write through the grain while down: StorageUnavailableException after {write.TotalMilliseconds:0} ms");
                Assert.True(write < DetectionBound, $"took {write}");
                // The provider itself, as Orleans calls it (with and without a cancellation token).
                var state = new GrainState<UserPresenceState>(new UserPresenceState { Ext = "direct" });
                await TimeUnavailableAsync(() => storage.WriteStateAsync(UserPresenceGrain.StateName, alice.GetGrainId(), state));
                await TimeUnavailableAsync(() => storage.WriteStateAsync(UserPresenceGrain.StateName, alice.GetGrainId(), state, CancellationToken.None));
                await TimeUnavailableAsync(() => storage.ReadStateAsync(UserPresenceGrain.StateName, alice.GetGrainId(), state, CancellationToken.None));
                // An activation cannot load its state. Orleans loads it before any grain code runs and wraps what the provider
                // threw in an OrleansException: the caller finds StorageUnavailableException inside (the gateway looks there).
                var watch = Stopwatch.StartNew();
                var activation = await Assert.ThrowsAnyAsync<Exception>(newcomer.GetPresenceAsync);
                output.WriteLine($"activation while down: {activation.GetType().Name} after {watch.ElapsedMilliseconds} ms");
                Assert.Contains(Chain(activation), e => e is StorageUnavailableException);
                Assert.True(watch.Elapsed < DetectionBound, $"took {watch.Elapsed}");
                // The active user still answers, with what was acknowledged: the failed change was rolled back in memory.
                var shown = await alice.GetPresenceAsync();
                Assert.Equal(acknowledged.Version, shown.Version);
                Assert.Equal("before", shown.Ext);
            }
            finally
            {
                await postgres.Server.StartAsync();
            }

            // The same silo, unrestarted.
            var after = await alice.SetStatusAsync("mobile", "0", "after");
            Assert.Equal(acknowledged.Version + 1, after.Version);
            Assert.Equal(PresenceStatusType.Unlogined, (await newcomer.GetPresenceAsync()).StatusType);
            await using var rows = new StoredRows(connectionString, cluster.Options.ServiceId);
            var stored = await rows.ReadStateAsync(alice.GetGrainId());
            Assert.Equal("after", stored!.Property("Ext").GetString());
            Assert.Equal(after.Version, stored.Property("Version").GetInt64());
        }
        finally
        {
            await cluster.StopAsync();
        }
    }

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
            yield return current;
    }

    private static async Task<TimeSpan> TimeUnavailableAsync(Func<Task> call)
    {
        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAsync<StorageUnavailableException>(call);
        return watch.Elapsed;
    }
}
