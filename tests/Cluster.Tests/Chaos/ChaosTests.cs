using System.Diagnostics;
using System.Globalization;

namespace Presence.Cluster.Tests;

/// <summary>
/// A chaos run: three silos and two gateways on PostgreSQL under a continuous mixed load (R1, R2, R3 and R5 over REST,
/// through whichever processes are alive, and sockets that watch users and connect again when dropped), while every
/// 20–40 s one process, chosen from a printed seed, is killed (<c>kill -9</c>) or stopped (SIGTERM) and then replaced;
/// once per run PostgreSQL stops for 10 s while a replacement silo is starting. A ledger of every answer and event is
/// checked at the end: no 5xx but 503, failures only inside fault windows, no process exiting by itself, every
/// acknowledged write read back, no version sent that is newer than what is stored, every socket in step with the
/// truth, and throughput and p99 outside the windows within a band of the calm start. The test suite runs 2 minutes;
/// <c>bench/run.sh --chaos --minutes N</c> runs longer ones and keeps the chart.
/// </summary>
public sealed class ChaosTests(ChaosClusterFixture fixture, ITestOutputHelper output)
    : ClusterTest(fixture, output), IClassFixture<ChaosClusterFixture>
{
    private const int WrittenUsers = 40;
    private const int Lanes = 4;
    private const int Subscribers = 5;
    private static readonly TimeSpan WritePeriod = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan ReadPeriod = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan SubscribePeriod = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan CalmStart = TimeSpan.FromSeconds(20);

    /// <summary>After the cluster is whole again, this long still counts as the fault's: the promised failover time.</summary>
    private static readonly TimeSpan FailoverAllowance = TimeSpan.FromSeconds(10);

    /// <summary>The band outside faults: at least this share of the calm start's throughput ...</summary>
    private const double MinThroughputShare = 0.3;

    /// <summary>... and a p99 at most this many times the calm one (or <see cref="P99Floor"/>, whichever is larger).</summary>
    private const double MaxP99Factor = 5;

    private static readonly TimeSpan P99Floor = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Cluster_KeepsItsPromises_UnderRandomKillsStopsAndADatabaseOutageDuringASiloStart()
    {
        var settings = ChaosSettings.FromEnvironment();
        var faultRandom = new Random(settings.Seed);
        Log($"chaos run: {settings.Duration.TotalMinutes:0.#} min, seed {settings.Seed} (PRESENCE_CHAOS_SEED={settings.Seed} repeats the faults), {settings.Sockets} sockets");

        var prefix = Unique("chaos");
        var written = Enumerable.Range(0, WrittenUsers).Select(i => $"{prefix}-w{i.ToString(CultureInfo.InvariantCulture)}").ToList();
        var writes = new WriteLoad(
            Enumerable.Range(0, Lanes).Select(lane => ((Func<ClusterNode>)AnyNode, (IReadOnlyList<string>)[.. written.Where((_, i) => i % Lanes == lane)])),
            WritePeriod);
        var reads = Enumerable.Range(0, 2).Select(i => new RequestLoop($"reads {i}", ReadPeriod, _ => AnyNode().Rest.GetPresenceAsync(written), overlap: true)).ToList();
        var subscriptions = new RequestLoop("subscriptions", SubscribePeriod, n =>
        {
            var subscriber = $"{prefix}-s{(n / 2 % Subscribers).ToString(CultureInfo.InvariantCulture)}";
            return n % 2 == 0 ? AnyNode().Rest.SubscribeAsync(subscriber, written.Take(20), 3600) : AnyNode().Rest.GetSubscriptionsAsync(subscriber);
        }, overlap: true);
        var devices = Enumerable.Range(0, settings.Sockets).Select(i => new ChaosDevice($"{prefix}-d{i.ToString(CultureInfo.InvariantCulture)}", written)).ToList();
        var known = new HashSet<ClusterNode>(Cluster.Silos.Concat(Cluster.Gateways));
        var stopped = new HashSet<ClusterNode>();
        var unexpectedExits = new List<string>();
        var faults = new List<FaultWindow>();
        using var stopKeeping = new CancellationTokenSource();
        Task? keeper = null;
        try
        {
            await Task.WhenAll(written.Select(u => AnyNode().Rest.SetPresenceOkAsync(u, "r0", "s0", "w0")));
            foreach (var device in devices)
                Assert.True(await device.EnsureConnectedAsync(AnyNode()), $"{device.Username} could not connect before the run");
            keeper = KeepConnectedAsync(devices, stopKeeping.Token);

            var origin = Stopwatch.GetTimestamp();
            writes.Start();
            reads.ForEach(r => r.Start());
            subscriptions.Start();
            var end = origin + (long)(settings.Duration.TotalSeconds * Stopwatch.Frequency);
            var databaseDone = false;
            await Task.Delay(CalmStart);
            for (var n = 1; ; n++)
            {
                var wait = TimeSpan.FromSeconds(n == 1 ? faultRandom.Next(0, 10) : faultRandom.Next(20, 41));
                if (Stopwatch.GetTimestamp() + (long)((wait + TimeSpan.FromSeconds(25)).TotalSeconds * Stopwatch.Frequency) > end && databaseDone)
                    break;
                await Task.Delay(wait);
                CheckExits(known, stopped, unexpectedExits);
                var startedAt = Stopwatch.GetTimestamp();
                string what;
                if (!databaseDone && (n >= 2 || Stopwatch.GetElapsedTime(origin) > settings.Duration / 2))
                {
                    what = await DatabaseStopWhileASiloStartsAsync(faultRandom, stopped);
                    databaseDone = true;
                }
                else
                {
                    what = await ProcessFaultAsync(faultRandom, stopped);
                }
                await Cluster.EnsureShapeAsync();
                known.UnionWith(Cluster.Silos.Concat(Cluster.Gateways));
                var window = new FaultWindow(what, startedAt, Stopwatch.GetTimestamp() + (long)(FailoverAllowance.TotalSeconds * Stopwatch.Frequency));
                faults.Add(window);
                Log($"{window.StartSeconds(origin),6:0.0} s  {what}; whole again after {Stopwatch.GetElapsedTime(startedAt).TotalSeconds:0.0} s");
            }
            var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), end);
            if (left > TimeSpan.Zero)
                await Task.Delay(left);
            var duration = Stopwatch.GetElapsedTime(origin);
            await Task.WhenAll(reads.Select(r => r.StopAsync()).Append(writes.StopAsync()).Append(subscriptions.StopAsync()));
            CheckExits(known, stopped, unexpectedExits);
            await Cluster.EnsureShapeAsync();

            var outcomes = writes.Outcomes.Concat(reads.SelectMany(r => r.Outcomes)).Concat(subscriptions.Outcomes).ToList();
            var report = new ChaosReport(outcomes, faults, origin, duration);
            Log("per minute:\n" + report.MinuteTable());
            var chart = settings.ChartPath ?? Path.Combine(Cluster.LogDirectory, "chaos.png");
            report.SaveChart(chart);
            Log($"chart: {chart}");
            if (settings.ChartPath is not null)
                await File.WriteAllTextAsync(Path.ChangeExtension(chart, ".md"),
                    $"Chaos run of {duration.TotalMinutes:0.0} min, seed {settings.Seed}, {settings.Sockets} sockets\n\n"
                    + string.Join("\n", faults.Select(f => $"- {f.StartSeconds(origin):0} s: {f.What} (window {f.EndSeconds(origin) - f.StartSeconds(origin):0} s)"))
                    + "\n\n```\n" + report.MinuteTable() + "```\n");

            // The ledger.
            var serverErrors = outcomes.Where(o => o.Status is >= 500 and not 503).ToList();
            var outsideFaults = outcomes.Where(o => !o.IsOk && !faults.Any(f => f.Covers(o))).ToList();
            var lost = writes.LostWrites(await Cluster.Gateways[0].Rest.GetPresenceOkAsync(written));
            var stored = await Cluster.ReadStoredStatesAsync(written);
            var sentAhead = written
                .Select(u => (User: u, Seen: devices.SelectMany(d => d.Events).Where(e => e.IsPresenceOf(u)).Select(e => e.Version).DefaultIfEmpty(0).Max()))
                .Where(v => stored[v.User].Version < v.Seen)
                .Select(v => $"{v.User}: stored v{stored[v.User].Version}, v{v.Seen} was sent")
                .ToList();
            await Eventually.TrueAsync(async () =>
            {
                foreach (var device in devices)
                    await device.EnsureConnectedAsync(AnyNode());
                return devices.All(d => d.Current is { Ended: false });
            }, TimeSpan.FromSeconds(60), "every device is connected again");
            var outOfStep = new List<string>();
            foreach (var device in devices)
            {
                var told = await device.QueryVersionsAsync();
                outOfStep.AddRange(written.Where(u => told[u] != stored[u].Version).Select(u => $"{device.Username} reads {u} at v{told[u]}, stored v{stored[u].Version}"));
            }
            var band = OutsideTheBand(outcomes, faults, origin, duration);
            var summary = $"{outcomes.Count} requests: {outcomes.Count(o => o.IsOk)} × 200, {outcomes.Count(o => o.IsServiceUnavailable)} × 503, "
                + $"{outcomes.Count(o => !o.IsOk && !o.IsServiceUnavailable)} other; {devices.Sum(d => d.Reconnects)} socket reconnects; {lost.Count} lost writes";
            Log(summary);
            if (settings.ChartPath is not null)
                await File.AppendAllTextAsync(Path.ChangeExtension(chart, ".md"), $"\n{summary}; {sentAhead.Count} versions sent ahead of the store; {outOfStep.Count} sockets out of step\n");

            Assert.True(serverErrors.Count == 0, $"{serverErrors.Count} answers were 5xx other than 503:\n{string.Join("\n", serverErrors.Take(20))}");
            Assert.True(unexpectedExits.Count == 0, $"processes exited by themselves: {string.Join("; ", unexpectedExits)}");
            Assert.True(outsideFaults.Count == 0, $"{outsideFaults.Count} requests failed outside every fault window:\n{string.Join("\n", outsideFaults.Take(20))}");
            Assert.True(lost.Count == 0, $"{lost.Count} acknowledged writes were lost:\n{string.Join("\n", lost.Take(20))}");
            Assert.True(sentAhead.Count == 0, $"versions sent to devices are newer than what is stored:\n{string.Join("\n", sentAhead.Take(20))}");
            Assert.True(outOfStep.Count == 0, $"sockets out of step with the stored state after the run:\n{string.Join("\n", outOfStep.Take(20))}");
            Assert.True(band.Count == 0, $"outside the fault windows, throughput or p99 left the band of the calm start:\n{string.Join("\n", band)}");
        }
        finally
        {
            stopKeeping.Cancel();
            if (keeper is not null)
                await keeper;
            await Task.WhenAll(reads.Select(r => r.StopAsync()).Append(writes.StopAsync()).Append(subscriptions.StopAsync()));
            foreach (var device in devices)
                await device.DisposeAsync();
            if (_databaseStopped)
                await Cluster.Postgres.StartAsync(); // never leave the cluster without its database
        }
    }

    private bool _databaseStopped;

    /// <summary>A live process serving the API, silo or gateway, at random.</summary>
    private ClusterNode AnyNode()
    {
        var nodes = Cluster.Silos.Concat(Cluster.Gateways).Where(n => !n.HasExited).ToList();
        return nodes[Random.Shared.Next(nodes.Count)];
    }

    private async Task KeepConnectedAsync(IReadOnlyList<ChaosDevice> devices, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            foreach (var device in devices)
                await device.EnsureConnectedAsync(AnyNode());
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>kill -9 or SIGTERM of a silo or a gateway, at random.</summary>
    private async Task<string> ProcessFaultAsync(Random random, HashSet<ClusterNode> stopped)
    {
        var silo = random.Next(2) == 0;
        var candidates = silo ? Cluster.Silos : Cluster.Gateways;
        var victim = candidates[random.Next(candidates.Count)];
        stopped.Add(victim);
        if (random.Next(2) == 0)
        {
            await victim.Process.KillAsync();
            return $"kill -9 {victim.Name}";
        }
        var (exitCode, took) = await victim.Process.TerminateAsync(TimeSpan.FromSeconds(60));
        Assert.True(exitCode == 0, $"{victim.Name} exited with {exitCode} after SIGTERM:\n{victim.Process.Tail(40)}");
        return $"SIGTERM {victim.Name} (drained in {took.TotalSeconds:0.0} s)";
    }

    /// <summary>A silo killed, its replacement starting, and PostgreSQL stopped for 10 s meanwhile.</summary>
    private async Task<string> DatabaseStopWhileASiloStartsAsync(Random random, HashSet<ClusterNode> stopped)
    {
        var victim = Cluster.Silos[random.Next(Cluster.Silos.Count)];
        stopped.Add(victim);
        await victim.Process.KillAsync();
        var replacement = Cluster.StartSiloAsync();
        await Task.Delay(TimeSpan.FromSeconds(1)); // the new process is starting
        await Cluster.Postgres.StopAsync();
        _databaseStopped = true;
        await Task.Delay(TimeSpan.FromSeconds(10));
        await Cluster.Postgres.StartAsync();
        _databaseStopped = false;
        var started = await replacement;
        return $"kill -9 {victim.Name}, then PostgreSQL stopped 10 s while {started.Name} started";
    }

    private static void CheckExits(HashSet<ClusterNode> known, HashSet<ClusterNode> stopped, List<string> unexpected)
    {
        foreach (var node in known.Where(n => n.HasExited && !stopped.Contains(n)).ToList())
        {
            unexpected.Add($"{node.Name}: {node.Process.Tail(20)}");
            stopped.Add(node);
        }
    }

    /// <summary>10 s buckets clear of every fault window whose throughput or p99 leaves the band of the calm start.</summary>
    private static List<string> OutsideTheBand(IReadOnlyList<RestOutcome> outcomes, IReadOnlyList<FaultWindow> faults, long origin, TimeSpan duration)
    {
        var bucket = (long)(10 * Stopwatch.Frequency);
        var calmEnd = origin + (long)(CalmStart.TotalSeconds * Stopwatch.Frequency);
        var calm = outcomes.Where(o => o.EndedAt >= origin + bucket / 5 && o.EndedAt < calmEnd).ToList(); // past the first 2 s warm-up
        var calmRate = calm.Count(o => o.IsOk) / (CalmStart.TotalSeconds - 2);
        var p99Limit = Math.Max(ChaosReport.P99(calm) * MaxP99Factor, P99Floor.TotalMilliseconds);
        var problems = new List<string>();
        for (var from = calmEnd; from + bucket <= origin + (long)(duration.TotalSeconds * Stopwatch.Frequency); from += bucket)
        {
            var to = from + bucket;
            if (faults.Any(f => f.Overlaps(from, to)))
                continue;
            var inBucket = outcomes.Where(o => o.EndedAt >= from && o.EndedAt < to).ToList();
            var rate = inBucket.Count(o => o.IsOk) / 10.0;
            var p99 = ChaosReport.P99(inBucket);
            var at = Stopwatch.GetElapsedTime(origin, from).TotalSeconds;
            if (rate < calmRate * MinThroughputShare || p99 > p99Limit)
                problems.Add($"{at:0} s: {rate:0.0}/s (calm {calmRate:0.0}/s), p99 {p99:0} ms (limit {p99Limit:0} ms)");
        }
        return problems;
    }
}
