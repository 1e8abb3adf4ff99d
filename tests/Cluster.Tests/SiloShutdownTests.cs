using System.Diagnostics;
using System.Globalization;

namespace Presence.Cluster.Tests;

/// <summary>
/// A rolling update stops a silo with SIGTERM while clients keep writing: it drains (grains deactivate with their state
/// written, calls move to the other silos) and exits 0, and no client sees it. The next test's
/// <see cref="PresenceCluster.EnsureShapeAsync"/> starts a replacement.
/// </summary>
[Collection(DefaultClusterCollection.Name)]
public sealed class SiloShutdownTests(DefaultClusterFixture fixture, ITestOutputHelper output) : ClusterTest(fixture, output)
{
    private const int UserCount = 30;
    private static readonly TimeSpan WritePeriod = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan ExitDeadline = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Silo_Exits0WithEveryWriteKeptAnd0Non2xxThroughTheGateways_WhenStoppedWithSigtermUnderLoad()
    {
        var prefix = Unique("sigterm");
        var users = Enumerable.Range(0, UserCount).Select(i => $"{prefix}-{i.ToString(CultureInfo.InvariantCulture)}").ToList();
        var gateways = Cluster.Gateways;
        await Task.WhenAll(users.Select((u, i) => gateways[i % gateways.Count].Rest.SetPresenceOkAsync(u, "r0", "s0", "w0")));

        var lanes = gateways.Concat(gateways).ToList();
        var load = new WriteLoad(
            lanes.Select((node, lane) => (node, (IReadOnlyList<string>)[.. users.Where((_, i) => i % lanes.Count == lane)])),
            WritePeriod);
        var reads = gateways.Select(g => new RequestLoop($"reads via {g.Name}", TimeSpan.FromMilliseconds(200), _ => g.Rest.GetPresenceAsync(users))).ToList();
        var loadStartedAt = Stopwatch.GetTimestamp();
        load.Start();
        reads.ForEach(r => r.Start());
        try
        {
            await Eventually.TrueAsync(() => users.All(u => load.AcknowledgedSince(u, loadStartedAt) > 0), Deadline,
                "every user has an acknowledged write before the stop");
            var activations = await Cluster.Probe.UserActivationsAsync();
            var victimPort = users.GroupBy(u => Assert.Single(activations[u])).MaxBy(g => g.Count())!.Key;
            var victim = Cluster.SiloAt(victimPort);
            Log($"SIGTERM to {victim.Name} (pid {victim.Process.ProcessId}), host of {users.Count(u => activations[u][0] == victimPort)} of the {users.Count} users");

            // The victim's users stop being written at the SIGTERM and are read back before anyone writes them again.
            var frozen = load.Freeze(users.Where(u => activations[u][0] == victimPort));
            Assert.True(frozen.Count > 0, $"{victim.Name} hosts none of the written users");
            var (exitCode, took) = await victim.Process.TerminateAsync(ExitDeadline);
            Log($"{victim.Name} exited with code {exitCode} {took.TotalSeconds:0.00} s after SIGTERM");
            var exitedAt = Stopwatch.GetTimestamp();
            var frozenRead = await gateways[0].Rest.GetPresenceOkAsync(frozen);
            var frozenStored = await Cluster.ReadStoredStatesAsync(frozen);
            var lostAtStop = load.LostWrites(frozenRead, frozen)
                .Concat(load.LostWrites(frozenStored.ToDictionary(p => p.Key, p => p.Value.ToPresence(p.Key)), frozen).Select(p => $"stored row: {p}"))
                .ToList();
            await Eventually.TrueAsync(() => users.Except(frozen).All(u => load.AcknowledgedSince(u, exitedAt) >= 2), Deadline,
                "every user still written has two acknowledged writes after the silo exited");
            await load.StopAsync();
            await Task.WhenAll(reads.Select(r => r.StopAsync()));

            var outcomes = load.Outcomes.Concat(reads.SelectMany(r => r.Outcomes)).ToList();
            var failed = outcomes.Where(o => !o.IsOk).ToList();
            Log($"{outcomes.Count} requests through the gateways: {outcomes.Count - failed.Count} × 200, {failed.Count} not; slowest {outcomes.Max(o => o.Elapsed.TotalSeconds):0.00} s");
            var states = await gateways[0].Rest.GetPresenceOkAsync(users);
            var lost = load.LostWrites(states);

            Assert.True(exitCode == 0, $"{victim.Name} exited with {exitCode}:\n{victim.Process.Tail(40)}");
            Assert.True(failed.Count == 0, $"{failed.Count} requests through the gateways did not answer 200:\n{string.Join("\n", failed.Take(20))}");
            Assert.True(lostAtStop.Count == 0, $"{lostAtStop.Count} acknowledged writes of {victim.Name}'s {frozen.Count} users were lost in the stop:\n{string.Join("\n", lostAtStop.Take(20))}");
            Assert.True(lost.Count == 0, $"{lost.Count} users lost an acknowledged write:\n{string.Join("\n", lost.Take(20))}");
        }
        finally
        {
            await load.StopAsync();
            await Task.WhenAll(reads.Select(r => r.StopAsync()));
        }
    }
}
