using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Storage;

namespace Presence.Storage.Tests;

/// <summary>
/// The memory provider's grain storage (<see cref="InMemoryGrainStorage"/>) as a silo wires it (resolved from a built,
/// unstarted silo): Orleans' storage contract (ETags, RecordExists, clear), private copies on both sides, and
/// compare-and-swap under concurrent writers, where exactly one writer per ETag wins.
/// </summary>
public sealed class InMemoryGrainStorageTests : IDisposable
{
    private const string StateName = UserPresenceGrain.StateName;

    private readonly IHost _host = BuildSilo();

    private IGrainStorage Storage => _host.Services.GetRequiredKeyedService<IGrainStorage>(UserPresenceGrain.StorageName);

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task State_RoundTripsWithANewETagPerWrite_ThroughWriteReadAndClear()
    {
        var alice = Grain("alice");
        var unknown = new GrainState<UserPresenceState>();
        await Storage.ReadStateAsync(StateName, alice, unknown);
        Assert.Equal((null, false), (unknown.ETag, unknown.RecordExists));
        Assert.NotNull(unknown.State);

        var written = new GrainState<UserPresenceState>(new UserPresenceState { Ext = "hello", Version = 7 });
        await Storage.WriteStateAsync(StateName, alice, written);
        var first = written.ETag;
        Assert.True(written.RecordExists);
        written.State!.Ext = "again";
        await Storage.WriteStateAsync(StateName, alice, written);
        Assert.NotEqual(first, written.ETag);

        var read = new GrainState<UserPresenceState>();
        await Storage.ReadStateAsync(StateName, alice, read);
        Assert.Equal((written.ETag, true, "again", 7L), (read.ETag, read.RecordExists, read.State!.Ext, read.State!.Version));

        await Storage.ClearStateAsync(StateName, alice, read);
        Assert.Equal((false, ""), (read.RecordExists, read.State!.Ext));
        var cleared = new GrainState<UserPresenceState>();
        await Storage.ReadStateAsync(StateName, alice, cleared);
        Assert.Equal((read.ETag, false, ""), (cleared.ETag, cleared.RecordExists, cleared.State!.Ext));
        // The record moved on: the activation that wrote before the clear is stale now.
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, alice, written));
        cleared.State!.Ext = "after clear";
        await Storage.WriteStateAsync(StateName, alice, cleared);
        Assert.True(cleared.RecordExists);
    }

    [Fact]
    public async Task StoredState_IsACopy_NeitherTheWritersObjectNorTheReaders()
    {
        var bob = Grain("bob");
        var state = new UserPresenceState { Ext = "stored" };
        state.Resources["web"] = new ResourceState { Status = "1" };
        var written = new GrainState<UserPresenceState>(state);
        await Storage.WriteStateAsync(StateName, bob, written);

        // The activation goes on changing its own object without writing: storage must not see it.
        state.Ext = "unsaved";
        state.Resources["web"] = new ResourceState { Status = "0" };
        state.Resources["ios"] = new ResourceState { Status = "1" };
        var first = new GrainState<UserPresenceState>();
        await Storage.ReadStateAsync(StateName, bob, first);
        first.State!.Resources.Clear();
        var second = new GrainState<UserPresenceState>();
        await Storage.ReadStateAsync(StateName, bob, second);

        Assert.Equal("stored", second.State!.Ext);
        Assert.Equal(["web"], second.State.Resources.Keys);
        Assert.Equal("1", second.State.Resources["web"].Status);
        Assert.NotSame(first.State, second.State);
    }

    [Fact]
    public async Task StaleETags_AreRefused_AndAWriteBlindToAStoredRecordToo()
    {
        var carol = Grain("carol");
        var current = new GrainState<UserPresenceState>(new UserPresenceState { Ext = "v1" });
        await Storage.WriteStateAsync(StateName, carol, current);
        var stale = new GrainState<UserPresenceState>(new UserPresenceState { Ext = "stale" }) { ETag = current.ETag };
        await Storage.WriteStateAsync(StateName, carol, current);

        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, carol, stale));
        Assert.Equal(current.ETag, error.StoredEtag);
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearStateAsync(StateName, carol, stale));
        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            Storage.WriteStateAsync(StateName, carol, new GrainState<UserPresenceState>(new UserPresenceState { Ext = "blind" })));

        var read = new GrainState<UserPresenceState>();
        await Storage.ReadStateAsync(StateName, carol, read);
        Assert.Equal(("v1", current.ETag), (read.State!.Ext, read.ETag));
    }

    /// <summary>Two activations of one grain race from the same ETag: one write lands, every other is refused.</summary>
    [Fact]
    public async Task ConcurrentWritersFromOneETag_ExactlyOneWins()
    {
        var dave = Grain("dave");
        var origin = new GrainState<UserPresenceState>(new UserPresenceState { Ext = "origin" });
        await Storage.WriteStateAsync(StateName, dave, origin);

        for (var round = 0; round < 50; round++)
        {
            var writers = Enumerable.Range(0, 8)
                .Select(i => new GrainState<UserPresenceState>(new UserPresenceState { Ext = $"r{round}w{i}" }) { ETag = origin.ETag })
                .ToArray();
            var outcomes = await Task.WhenAll(writers.Select(w => Task.Run(async () =>
            {
                try
                {
                    await Storage.WriteStateAsync(StateName, dave, w);
                    return true;
                }
                catch (InconsistentStateException)
                {
                    return false;
                }
            })));

            var winner = Assert.Single(writers.Where((_, i) => outcomes[i]));
            var read = new GrainState<UserPresenceState>();
            await Storage.ReadStateAsync(StateName, dave, read);
            Assert.Equal((winner.State!.Ext, winner.ETag), (read.State!.Ext, read.ETag));
            origin = read;
        }
    }

    private static GrainId Grain(string user) => GrainId.Create(UserPresenceGrain.GrainTypeName, $"memory-tests/{user}");

    private static IHost BuildSilo()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = Environments.Development });
        builder.Configuration.AddInMemoryCollection([]);
        builder.UseOrleans(silo => silo.UseLocalhostClustering().AddPresence(builder.Configuration));
        return builder.Build();
    }
}
