using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Presence.Cluster.Tests;

/// <summary>
/// A steady stream of R1 changes to a few users, through several processes, overlapping (a hung request holds back
/// nothing), each with a unique ext <c>p{seq}</c> whose start time is remembered: an event a watcher receives names the
/// change that caused it, so a test can tell a fresh event from an old one.
/// </summary>
public sealed class ChangeStream
{
    public const string Resource = "pulse";

    private readonly List<RequestLoop> _loops = [];
    private readonly ConcurrentDictionary<long, long> _startedAt = new();
    private long _seq;

    public ChangeStream(IEnumerable<ClusterNode> nodes, IReadOnlyList<string> users, TimeSpan period)
    {
        foreach (var node in nodes)
        {
            _loops.Add(new RequestLoop($"changes via {node.Name}", period, _ =>
            {
                var seq = Interlocked.Increment(ref _seq);
                _startedAt[seq] = Stopwatch.GetTimestamp();
                return node.Rest.SetPresenceAsync(users[(int)(seq % users.Count)], Resource, "1", $"p{seq.ToString(CultureInfo.InvariantCulture)}");
            }, overlap: true));
        }
    }

    public IReadOnlyList<RestOutcome> Outcomes => [.. _loops.SelectMany(l => l.Outcomes)];

    public void Start() => _loops.ForEach(l => l.Start());

    public Task StopAsync() => Task.WhenAll(_loops.Select(l => l.StopAsync()));

    /// <summary>When the change that set <paramref name="ext"/> was sent (a Stopwatch timestamp), if this stream sent it.</summary>
    public long? StartedAtOf(string ext) =>
        ext.StartsWith('p') && long.TryParse(ext.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var seq) && _startedAt.TryGetValue(seq, out var at)
            ? at
            : null;
}
