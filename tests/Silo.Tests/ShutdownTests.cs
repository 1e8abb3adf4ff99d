namespace Presence.Silo.Tests;

/// <summary>A graceful stop (SIGTERM, as Kubernetes sends it) ends the process cleanly and keeps every acknowledged write.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ShutdownTests(PostgresFixture fixture, ITestOutputHelper output) : SiloTestBase(fixture, output)
{
    /// <summary>"Within a few seconds": well inside Kubernetes' default 30 s grace period.</summary>
    private static readonly TimeSpan ShutdownBound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Sigterm_ExitsWithCodeZeroAndStateSurvives_WhenTheSiloHasActiveGrains()
    {
        var database = await NewDatabaseAsync();
        var silo = await StartSiloAsync(database);
        await silo.Client.SetPresenceAsync("alice", "web", "1", "before shutdown");
        var (subscribed, _) = await silo.Client.SubscribeAsync("alice", 3600, "bob");

        var (exitCode, elapsed) = await silo.TerminateAsync(ShutdownBound);

        Assert.Equal(0, exitCode);
        Assert.True(elapsed < ShutdownBound, $"shutdown took {elapsed}");
        silo = await StartSiloAsync(database);
        var presence = await silo.Client.GetPresenceAsync("alice");
        Assert.Equal(new SortedDictionary<string, string> { ["web"] = "1" }, presence.SortedStatus);
        Assert.Equal("before shutdown", presence.Ext);
        Assert.Equal([("bob", subscribed["bob"])], await silo.Client.GetSubscriptionsAsync("alice"));
    }
}
