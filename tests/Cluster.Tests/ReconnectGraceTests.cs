namespace Presence.Cluster.Tests;

/// <summary>
/// <c>Presence:Realtime:ReconnectGrace</c> across a gateway restart: the gateway's SIGTERM closes its sockets, and a
/// device that reconnects through the new gateway within the grace shows its watchers nothing.
/// </summary>
public sealed class ReconnectGraceTests(ReconnectGraceClusterFixture fixture, ITestOutputHelper output)
    : ClusterTest(fixture, output), IClassFixture<ReconnectGraceClusterFixture>
{
    [Fact]
    public async Task DeviceBackThroughARestartedGatewayWithinTheGrace_StaysOnline_AndItsWatcherSeesNoOfflineEvent()
    {
        var user = Unique("grace-user");
        var watcherName = Unique("grace-watcher");
        var (silo, gateway) = (Cluster.Silos[0], Cluster.Gateways[0]);
        await using var watcher = await SocketDevice.ConnectAsync(silo, watcherName, "web", await silo.Rest.UserTokenAsync(watcherName));
        await watcher.SubscribeAsync([user]);
        var device = await SocketDevice.ConnectAsync(gateway, user, "phone", await gateway.Rest.UserTokenAsync(user));
        var login = await watcher.WaitForAsync(f => f.IsPresenceOf(user) && f.StatusOf("phone") == "1", because: "the watcher sees the login");
        var before = (await silo.Rest.GetPresenceOkAsync([user]))[user];

        var (exitCode, took) = await gateway.Process.TerminateAsync(TimeSpan.FromSeconds(30));
        Log($"{gateway.Name} stopped (exit {exitCode}) in {took.TotalSeconds:0.0} s; the device's socket ended: {device.Ended} ({(int?)device.CloseStatus})");
        await device.DisposeAsync();
        await Cluster.EnsureShapeAsync(); // a new gateway process, as an orchestrator would start
        var restarted = Cluster.Gateways[0];
        await using var back = await SocketDevice.ConnectAsync(restarted, user, "phone", await restarted.Rest.UserTokenAsync(user));
        var after = (await silo.Rest.GetPresenceOkAsync([user]))[user];
        Log($"back through {restarted.Name}; before {before.StatusText} last_time {before.LastTime}, after {after.StatusText} last_time {after.LastTime}");

        // The next change reaches the watcher right after the login it saw: nothing in between.
        await silo.Rest.SetPresenceOkAsync(user, "phone", "busy", "after");
        var next = await watcher.WaitForAsync(f => f.IsPresenceOf(user) && f.Ext == "after", because: "the watcher sees the next change");
        Assert.Equal("1", before.StatusOf("phone"));
        Assert.Equal(before.StatusText, after.StatusText);
        Assert.Equal(before.LastTime, after.LastTime);
        Assert.Equal(login.Version + 1, next.Version);
        Assert.DoesNotContain(watcher.EventsOf(user), e => e.StatusOf("phone") == "0");
    }
}
