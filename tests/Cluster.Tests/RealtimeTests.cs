namespace Presence.Orleans.Cluster.Tests;

/// <summary>Real-time events cross processes: socket on one gateway, grain on some silo, changes through other processes.</summary>
[Collection(DefaultClusterCollection.Name)]
public sealed class RealtimeTests(DefaultClusterFixture fixture, ITestOutputHelper output) : ClusterTest(fixture, output)
{
    private const int Changes = 10;

    [Fact]
    public async Task Events_ReachAWatcherOnGatewayAIn10StepsOfVersionPlus1_WhenTheTargetsGrainIsOnAnotherSiloAndChangesComeThroughGatewayBAndA3rdSilo()
    {
        var watcher = Unique("rt-watcher");
        var target = Unique("rt-target");
        var (gatewayA, gatewayB) = (Cluster.Gateways[0], Cluster.Gateways[1]);
        await gatewayB.Rest.SetPresenceOkAsync(target, "web", "1", "start");
        var host = Cluster.SiloAt(Assert.Single((await Cluster.Probe.UserActivationsAsync())[target]));
        var writerSilo = Cluster.Silos.First(s => s != host);
        Log($"{target}'s grain is on {host.Name}; watcher on {gatewayA.Name}; changes through {gatewayB.Name} and {writerSilo.Name}");

        await using var device = await SocketDevice.ConnectAsync(gatewayA, watcher, "phone", await gatewayA.Rest.UserTokenAsync(watcher));
        var subscribedAt = (await device.SubscribeAsync([target]))[target];
        for (var i = 0; i < Changes; i++)
            await (i % 2 == 0 ? gatewayB : writerSilo).Rest.SetPresenceOkAsync(target, "web", $"s{i}", $"e{i}");
        await device.WaitForAsync(f => f.IsPresenceOf(target) && f.Ext == $"e{Changes - 1}", because: $"{target}'s last change (e{Changes - 1})");

        var events = device.EventsOf(target);
        var seen = string.Join(" ", events.Select(e => $"v{e.Version}:{e.Ext}"));
        var watcherHost = (await Cluster.Probe.UserActivationsAsync()).GetValueOrDefault(watcher) is [var port] ? Cluster.SiloAt(port).Name : "?";
        Log($"subscribed at v{subscribedAt}; {watcher}'s grain on {watcherHost}; events: {seen}");
        Assert.True(events.Count == Changes, $"expected {Changes} events after v{subscribedAt}, got {seen}");
        for (var i = 0; i < Changes; i++)
        {
            Assert.True(events[i].Version == subscribedAt + 1 + i && events[i].Ext == $"e{i}" && events[i].StatusOf("web") == $"s{i}",
                $"event {i} should be v{subscribedAt + 1 + i} e{i}; got {seen}");
        }
        Assert.Equal(host.SiloPort, Assert.Single((await Cluster.Probe.UserActivationsAsync())[target])); // it never moved
    }
}
