using System.Diagnostics;
using System.Globalization;

namespace Presence.Cluster.Tests;

/// <summary>Scaling out: a silo that joins under load takes new activations, and nobody sees an error.</summary>
[Collection(DefaultClusterCollection.Name)]
public sealed class SiloJoinTests(DefaultClusterFixture fixture, ITestOutputHelper output) : ClusterTest(fixture, output)
{
    private const int LoadUserCount = 20;
    private const int NewUserCount = 20;
    private static readonly TimeSpan NewUserPacing = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan WritePeriod = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task NewSilo_HostsNewUsersWith0Errors_WhenA4thSiloJoinsUnderLoad()
    {
        var prefix = Unique("join");
        var users = Enumerable.Range(0, LoadUserCount).Select(i => $"{prefix}-{i.ToString(CultureInfo.InvariantCulture)}").ToList();
        var gateways = Cluster.Gateways;
        var lanes = gateways.Concat(gateways).ToList();
        var load = new WriteLoad(
            lanes.Select((node, lane) => (node, (IReadOnlyList<string>)[.. users.Where((_, i) => i % lanes.Count == lane)])),
            WritePeriod);
        var loadStartedAt = Stopwatch.GetTimestamp();
        load.Start();
        ClusterNode? joined = null;
        try
        {
            await Eventually.TrueAsync(() => users.All(u => load.AcknowledgedSince(u, loadStartedAt) > 0), Deadline,
                "every user has an acknowledged write before the join");

            joined = await Cluster.StartSiloAsync();
            await Cluster.WaitForStableMembershipAsync(Deadline);
            Log($"{joined.Name} joined: {Cluster.Silos.Count} silos active");

            // New users arrive paced (Orleans' resource-optimised placement decides from statistics refreshed about
            // once a second, so a burst can all land before the new silo is counted), until the new silo hosts some.
            var newUsers = new List<string>();
            var writes = new List<RestOutcome>();
            var entries = gateways.Concat(Cluster.Silos).ToList();
            var placementDeadline = Stopwatch.GetTimestamp();
            while (true)
            {
                for (var i = 0; i < NewUserCount; i++)
                {
                    var user = $"{prefix}-new-{newUsers.Count.ToString(CultureInfo.InvariantCulture)}";
                    newUsers.Add(user);
                    writes.Add(await entries[newUsers.Count % entries.Count].Rest.SetPresenceAsync(user, "web", "1", "new"));
                    await Task.Delay(NewUserPacing);
                }
                var placed = await Cluster.Probe.UserActivationsAsync();
                if (newUsers.Any(u => placed.TryGetValue(u, out var at) && at.Contains(joined.SiloPort!.Value))
                    || Stopwatch.GetElapsedTime(placementDeadline) > Deadline)
                    break;
            }
            var joinedAt = Stopwatch.GetTimestamp();
            await Eventually.TrueAsync(() => users.All(u => load.AcknowledgedSince(u, joinedAt) >= 2), Deadline,
                "every load user has two acknowledged writes after the join");
            await load.StopAsync();

            var activations = await Cluster.Probe.UserActivationsAsync();
            var perSilo = Cluster.Silos.ToDictionary(s => s, s => newUsers.Count(u => activations.TryGetValue(u, out var at) && at.Contains(s.SiloPort!.Value)));
            Log($"activations of the {newUsers.Count} new users: {string.Join(", ", perSilo.Select(p => $"{p.Key.Name} {p.Value}"))}");
            var failed = load.Outcomes.Concat(writes).Where(o => !o.IsOk).ToList();
            Log($"{load.Outcomes.Count + writes.Count} requests, {failed.Count} not 200");

            Assert.True(failed.Count == 0, $"{failed.Count} requests did not answer 200:\n{string.Join("\n", failed.Take(20))}");
            Assert.All(newUsers, u => Assert.True(activations.TryGetValue(u, out var at) && at.Count == 1, $"{u}: {(activations.TryGetValue(u, out var a) ? a.Count : 0)} activations"));
            Assert.True(perSilo[joined] > 0, $"{joined.Name} hosts none of the {newUsers.Count} new users: {string.Join(", ", perSilo.Select(p => $"{p.Key.Name} {p.Value}"))}");
        }
        finally
        {
            await load.StopAsync();
            if (joined is not null)
            {
                // Back to the shared shape (three silos): a graceful stop.
                await joined.Process.TerminateAsync(Deadline);
            }
        }
    }
}
