namespace Presence.Cluster.Tests;

/// <summary>Real-time events cross processes: socket on one gateway, grain on some silo, changes through other processes.</summary>
[Collection(DefaultClusterCollection.Name)]
public sealed class RealtimeTests(DefaultClusterFixture fixture, ITestOutputHelper output) : ClusterTest(fixture, output)
{
    private const int Changes = 10;

    [Fact]
    public async Task Events_ReachAWatcherOnGatewayAInOrderUpToTheLast_WhenTheTargetsGrainIsOnAnotherSiloAndChangesComeThroughGatewayBAndA3rdSilo()
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
        // Orleans does not order one-way messages, so an event may overtake an earlier one; the older one is then dropped
        // (a gap, never a step back). What must hold: versions only grow, each event is exactly the state of its
        // version, and the last change arrives.
        Assert.NotEmpty(events);
        Assert.True(events.Zip(events.Skip(1)).All(p => p.Second.Version > p.First.Version), $"versions must only grow; got {seen}");
        foreach (var e in events)
        {
            var i = (int)(e.Version - subscribedAt - 1);
            Assert.True(i is >= 0 and < Changes && e.Ext == $"e{i}" && e.StatusOf("web") == $"s{i}",
                $"v{e.Version} should carry e{i} and s{i}; got {seen}");
        }
        Assert.Equal(subscribedAt + Changes, events[^1].Version);
        Log($"{events.Count} of {Changes} events (a gap when Orleans delivered a later one first)");
        Assert.Equal(host.SiloPort, Assert.Single((await Cluster.Probe.UserActivationsAsync())[target])); // it never moved
    }
}
