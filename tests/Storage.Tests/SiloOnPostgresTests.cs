using Orleans.TestingHost;

namespace Presence.Storage.Tests;

/// <summary>
/// The shipped scripts against the real Orleans providers: a silo configured as in production (<c>AddPresence</c>, storage
/// on PostgreSQL) starts on an empty database, applies the schema itself, and keeps grain state, reminders and
/// subscription rows there, with either grain storage provider (ours with group commit, or Orleans' ADO.NET one).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SiloOnPostgresTests(PostgresFixture fixture, ITestOutputHelper output)
{
    [Theory]
    [InlineData(GrainStorageProvider.GroupCommit, "presence_grain_state")]
    [InlineData(GrainStorageProvider.AdoNet, "orleansstorage")]
    public async Task StateRemindersAndSubscriptionRows_LandInPostgres_WhenASiloStartsOnAnEmptyDatabase(GrainStorageProvider grainStorage, string stateTable)
    {
        var connectionString = await fixture.CreateDatabaseAsync("silo_rows");
        var cluster = await PostgresClusterBuilder.Create(connectionString, silos: 1, grainStorage: grainStorage).DeployAsync();
        try
        {
            var alice = UserKey.Create("acme", "chat", "alice");
            var grain = cluster.Client.GetUserGrain(alice);

            var presence = await grain.SetStatusAsync("mobile", "1", "busy");
            var subscribed = await grain.SubscribeAsync(["bob", "carol"], 3600);

            Assert.Equal(["bob", "carol"], subscribed.Subscribed.Select(s => s.Presence.Uid).Order(StringComparer.Ordinal));
            await using var rows = new StoredRows(connectionString, cluster.Options.ServiceId);
            var state = await rows.ReadStateAsync(grain.GetGrainId());
            Assert.NotNull(state);
            Assert.Equal(stateTable, state.Table);
            output.WriteLine($"{state.Table}: ETag {state.ETag}, payload {state.State}");
            Assert.Equal("busy", state.Property("Ext").GetString());
            Assert.Equal(presence.Version, state.Property("Version").GetInt64());
            Assert.Equal("1", state.Property("Resources").EnumerateObject().Single(r => r.Name == "mobile").Value.EnumerateObject()
                .First(p => string.Equals(p.Name, "Status", StringComparison.OrdinalIgnoreCase)).Value.GetString());
            Assert.Equal([GrainWakeUps.ReminderName], await rows.ReadReminderNamesAsync(grain.GetGrainId()));
            Assert.Equal(["acme/chat/bob", "acme/chat/carol"], await rows.ReadSubscriptionTargetsAsync(alice));

            // And Orleans reads it back: a new activation loads the state record and the rows.
            await cluster.DeactivateAsync(grain.GetGrainId());
            var reloaded = await grain.GetPresenceAsync();
            Assert.Equal(presence.Version, reloaded.Version);
            Assert.Equal("busy", reloaded.Ext);
            Assert.Equal(["bob", "carol"], (await grain.GetSubscriptionsAsync(1, 10)).Items.Select(i => i.Uid));
            Assert.Equal(["alice"], (await cluster.Client.GetUserGrain(alice.WithUsername("bob")).GetWatchersAsync()).Select(w => w.Uid));
        }
        finally
        {
            await cluster.StopAsync();
        }
    }
}
