using System.Diagnostics;
using System.Globalization;

namespace Presence.Cluster.Tests;

/// <summary>
/// PostgreSQL holds membership too; a short outage must not make silos declare each other dead (probes are direct, and
/// votes wait for the table). Requests get fast 503s meanwhile, and the service recovers by itself.
/// </summary>
[Collection(DefaultClusterCollection.Name)]
public sealed class DatabaseOutageTests(DefaultClusterFixture fixture, ITestOutputHelper output) : ClusterTest(fixture, output)
{
    private const int UserCount = 10;
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [LocalPostgresFact]
    public async Task Cluster_KeepsAll3SilosActiveAndRecoversWithoutRestart_WhenPostgresIsDownFor8s()
    {
        var prefix = Unique("outage");
        var users = Enumerable.Range(0, UserCount).Select(i => $"{prefix}-{i.ToString(CultureInfo.InvariantCulture)}").ToList();
        var entries = Cluster.Gateways.Concat(Cluster.Silos).ToList();
        await Task.WhenAll(users.Select((u, i) => entries[i % entries.Count].Rest.SetPresenceOkAsync(u, "web", "1", "before")));
        var membershipBefore = await Cluster.MembershipAsync();
        var silosBefore = Cluster.Silos.Select(s => s.SiloPort!.Value).ToHashSet();

        // Writes through every process, each to its own user, all along.
        var loops = entries.Select((node, i) => new RequestLoop($"writes via {node.Name}", TimeSpan.FromMilliseconds(200),
            n => node.Rest.SetPresenceAsync(users[i % users.Count], "web", "1", $"n{n.ToString(CultureInfo.InvariantCulture)}"))).ToList();
        loops.ForEach(l => l.Start());
        var down = false;
        try
        {
            var stoppedAt = Stopwatch.GetTimestamp();
            down = true;
            await Cluster.Postgres.StopAsync();
            Log($"PostgreSQL stopped (immediate)");
            // Down for the whole outage, and long enough for every process to have answered 503.
            await Eventually.TrueAsync(
                () => Stopwatch.GetElapsedTime(stoppedAt) >= Outage && loops.All(l => l.Outcomes.Any(o => o.StartedAt >= stoppedAt && o.IsServiceUnavailable)),
                Outage + Deadline, "every process answered 503 during the outage");
            var restartedAt = Stopwatch.GetTimestamp();
            await Cluster.Postgres.StartAsync();
            down = false;
            Log($"PostgreSQL started again after {Seconds(stoppedAt, restartedAt):0.0} s down");

            await Eventually.TrueAsync(() => loops.All(l => l.Outcomes.Any(o => o.StartedAt >= restartedAt && o.IsOk)), Deadline,
                "a write through every process answered 200 after the outage");
            var recovered = loops.Select(l => Seconds(restartedAt, l.Outcomes.First(o => o.StartedAt >= restartedAt && o.IsOk).EndedAt)).Max();
            Log($"writes through every process answer 200 again {recovered:0.00} s after PostgreSQL came back");
            await Task.WhenAll(loops.Select(l => l.StopAsync()));

            var outcomes = loops.SelectMany(l => l.Outcomes).ToList();
            var during = outcomes.Where(o => o.StartedAt >= stoppedAt && o.StartedAt < restartedAt).ToList();
            var unavailable = during.Where(o => o.IsServiceUnavailable).ToList();
            var failed = outcomes.Where(o => !o.IsOk && !o.IsServiceUnavailable).ToList();
            Log($"during the outage: {during.Count} writes, {unavailable.Count} × 503 (slowest 503 {(unavailable.Count > 0 ? unavailable.Max(o => o.Elapsed.TotalSeconds) : 0):0.00} s), {during.Count(o => o.IsOk)} × 200; {failed.Count} other answers overall");

            await Cluster.WaitForStableMembershipAsync(Deadline);
            var membershipAfter = await Cluster.MembershipAsync();
            Log($"membership before: {Describe(membershipBefore)}; after: {Describe(membershipAfter)}");

            Assert.True(failed.Count == 0, $"{failed.Count} requests failed other than 503:\n{string.Join("\n", failed.Take(20))}");
            Assert.All(entries, n => Assert.False(n.HasExited, $"{n.Name} exited:\n{n.Process.Tail(40)}"));
            Assert.Equal(silosBefore, Cluster.Silos.Select(s => s.SiloPort!.Value).ToHashSet());
            // The same silo instances (port and generation) are still Active, and nobody was declared dead.
            Assert.Equal(
                Active(membershipBefore).Where(r => silosBefore.Contains(r.Port)).Select(r => (r.Port, r.Generation)).Order(),
                Active(membershipAfter).Select(r => (r.Port, r.Generation)).Order());
            Assert.DoesNotContain(membershipAfter, r => silosBefore.Contains(r.Port) && r.Status == MembershipRow.Dead);
        }
        finally
        {
            await Task.WhenAll(loops.Select(l => l.StopAsync()));
            if (down)
                await Cluster.Postgres.StartAsync(); // the cluster is shared: never leave it without its database
        }
    }

    private static IEnumerable<MembershipRow> Active(IEnumerable<MembershipRow> rows) => rows.Where(r => r.Status == MembershipRow.Active);

    private static string Describe(IEnumerable<MembershipRow> rows) =>
        string.Join(", ", rows.Select(r => $"{r.Port}/{r.Generation}:{r.Status}"));
}
