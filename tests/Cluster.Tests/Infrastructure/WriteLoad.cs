using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Presence.Cluster.Tests;

/// <summary>
/// R1 writes from a few concurrent loops, each through one process and owning its own users (so the writes of one user
/// are sequential and the last acknowledged one is known). Each write sets one of <see cref="ResourcesPerUser"/>
/// resources of its user to <c>s{seq}</c> and ext to <c>w{seq}</c>.
/// </summary>
public sealed class WriteLoad
{
    public const int ResourcesPerUser = 3;

    private readonly List<RequestLoop> _loops = [];
    private readonly List<IReadOnlyList<string>> _lanes = [];
    private readonly ConcurrentDictionary<string, List<WriteRecord>> _byUser = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, WriteRecord> _bySeq = new();
    private readonly ConcurrentDictionary<string, bool> _frozen = new(StringComparer.Ordinal);
    private long _seq;

    /// <param name="lanes">One loop per entry: the process it writes through, and the users it owns (disjoint).</param>
    public WriteLoad(IEnumerable<(ClusterNode Node, IReadOnlyList<string> Users)> lanes, TimeSpan period)
    {
        foreach (var (node, users) in lanes)
        {
            foreach (var user in users)
            {
                if (!_byUser.TryAdd(user, []))
                    throw new ArgumentException($"{user} is written by two loops.", nameof(lanes));
            }
            _lanes.Add(users);
            var perUser = new Dictionary<string, int>(StringComparer.Ordinal);
            _loops.Add(new RequestLoop($"writes via {node.Name}", period, async n =>
            {
                var writable = users.Where(u => !_frozen.ContainsKey(u)).ToList(); // Freeze keeps one per lane
                var user = writable[(int)(n % writable.Count)];
                var count = perUser[user] = perUser.GetValueOrDefault(user) + 1;
                var seq = Interlocked.Increment(ref _seq);
                var resource = $"r{(count % ResourcesPerUser).ToString(CultureInfo.InvariantCulture)}";
                var startedAt = Stopwatch.GetTimestamp();
                var outcome = await node.Rest.SetPresenceAsync(user, resource, $"s{seq}", $"w{seq}");
                var record = new WriteRecord(user, resource, seq, startedAt, outcome);
                lock (_byUser[user])
                    _byUser[user].Add(record);
                _bySeq[seq] = record;
                return outcome;
            }));
        }
    }

    public IReadOnlyList<RestOutcome> Outcomes => [.. _loops.SelectMany(l => l.Outcomes)];

    /// <summary>
    /// Stops writing <paramref name="candidates"/> from now on (a write in flight still answers), keeping at least one
    /// user of each loop written; returns the users frozen. Their last acknowledged write is then what must be read back.
    /// </summary>
    public IReadOnlyList<string> Freeze(IEnumerable<string> candidates)
    {
        var wanted = candidates.ToHashSet(StringComparer.Ordinal);
        var frozen = new List<string>();
        foreach (var lane in _lanes)
            frozen.AddRange(lane.Where(wanted.Contains).Take(lane.Count - 1));
        foreach (var user in frozen)
            _frozen[user] = true;
        return frozen;
    }

    public void Start()
    {
        foreach (var loop in _loops)
            loop.Start();
    }

    public Task StopAsync() => Task.WhenAll(_loops.Select(l => l.StopAsync()));

    /// <summary>The write whose ext is <paramref name="ext"/> (<c>w{seq}</c>), if this load made it.</summary>
    public WriteRecord? WriteOf(string ext) =>
        ext.StartsWith('w') && long.TryParse(ext.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var seq) && _bySeq.TryGetValue(seq, out var record)
            ? record
            : null;

    /// <summary>The writes of one user, in the order they were made.</summary>
    public IReadOnlyList<WriteRecord> WritesOf(string user)
    {
        var writes = _byUser[user];
        lock (writes)
            return [.. writes.OrderBy(w => w.Seq)];
    }

    /// <summary>Acknowledged (200) writes of <paramref name="user"/> made after <paramref name="since"/> (a Stopwatch timestamp).</summary>
    public int AcknowledgedSince(string user, long since) => WritesOf(user).Count(w => w.StartedAt >= since && w.Outcome.IsOk);

    /// <summary>
    /// What is wrong with the states read back, user by user: an acknowledged write must still be there — the ext of the
    /// user's last acknowledged write (or of a later write whose answer was lost) and, per resource, the status of its
    /// last acknowledged write (or of a later unanswered one).
    /// </summary>
    public IReadOnlyList<string> LostWrites(IReadOnlyDictionary<string, UserPresence> states, IEnumerable<string>? only = null)
    {
        var problems = new List<string>();
        foreach (var user in (only ?? _byUser.Keys).Order(StringComparer.Ordinal))
        {
            var writes = WritesOf(user);
            if (!states.TryGetValue(user, out var state))
            {
                problems.Add($"{user}: not read back");
                continue;
            }
            if (Candidates(writes) is { } exts && !exts.Any(w => w.Ext == state.Ext))
                problems.Add($"{user}: ext '{state.Ext}', expected one of {string.Join("/", exts.Select(w => w.Ext))} (last acknowledged first)");
            foreach (var resource in writes.Select(w => w.Resource).Distinct())
            {
                if (Candidates([.. writes.Where(w => w.Resource == resource)]) is { } statuses && !statuses.Any(w => w.Status == state.StatusOf(resource)))
                    problems.Add($"{user}: {resource} is '{state.StatusOf(resource)}', expected one of {string.Join("/", statuses.Select(w => w.Status))}");
            }
        }
        return problems;
    }

    /// <summary>The last acknowledged write and the unanswered ones after it; null when none was acknowledged.</summary>
    private static IReadOnlyList<WriteRecord>? Candidates(IReadOnlyList<WriteRecord> writes)
    {
        var last = -1;
        for (var i = 0; i < writes.Count; i++)
        {
            if (writes[i].Outcome.IsOk)
                last = i;
        }
        return last < 0 ? null : [.. writes.Skip(last)];
    }
}
