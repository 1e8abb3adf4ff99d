using System.Globalization;

namespace Presence.Orleans.Runtime;

/// <summary>Reminder rows in process memory, indexed by due time so a poll reads only what is due.</summary>
internal sealed class InMemoryReminderTable : IReminderTable
{
    private readonly Dictionary<(GrainId, string), ReminderEntry> _rows = [];
    private readonly SortedSet<(DateTimeOffset Due, long Version, GrainId GrainId, string Name)> _byDue = new(DueComparer.Instance);
    private readonly object _lock = new();
    private long _version;

    public Task InitAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyList<ReminderEntry>> ReadDueAsync(DateTimeOffset dueBy, int limit, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<ReminderEntry> due = _byDue.TakeWhile(d => d.Due <= dueBy).Take(limit).Select(d => _rows[(d.GrainId, d.Name)]).ToList();
            return Task.FromResult(due);
        }
    }

    public Task<IReadOnlyList<ReminderEntry>> ReadRowsAsync(GrainId grainId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<ReminderEntry> rows = _rows.Values.Where(r => r.GrainId == grainId).ToList();
            return Task.FromResult(rows);
        }
    }

    public Task<ReminderEntry?> ReadRowAsync(GrainId grainId, string reminderName, CancellationToken cancellationToken)
    {
        lock (_lock)
            return Task.FromResult(_rows.GetValueOrDefault((grainId, reminderName)));
    }

    public Task<string> UpsertRowAsync(ReminderEntry entry, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            RemoveIndex(entry.GrainId, entry.ReminderName);
            var stored = Store(entry with { ETag = null });
            return Task.FromResult(stored.ETag!);
        }
    }

    public Task<string?> TryUpdateDueAsync(ReminderEntry entry, DateTimeOffset nextDueAt, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_rows.TryGetValue((entry.GrainId, entry.ReminderName), out var current) || current.ETag != entry.ETag)
                return Task.FromResult<string?>(null);
            RemoveIndex(entry.GrainId, entry.ReminderName);
            return Task.FromResult(Store(current with { NextDueAt = nextDueAt }).ETag);
        }
    }

    public Task<bool> RemoveRowAsync(GrainId grainId, string reminderName, string? eTag, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_rows.TryGetValue((grainId, reminderName), out var current) || (eTag is not null && current.ETag != eTag))
                return Task.FromResult(false);
            RemoveIndex(grainId, reminderName);
            return Task.FromResult(true);
        }
    }

    private ReminderEntry Store(ReminderEntry entry)
    {
        var version = ++_version;
        var stored = entry with { ETag = version.ToString(CultureInfo.InvariantCulture) };
        _rows[(entry.GrainId, entry.ReminderName)] = stored;
        _byDue.Add((stored.NextDueAt, version, stored.GrainId, stored.ReminderName));
        return stored;
    }

    private void RemoveIndex(GrainId grainId, string name)
    {
        if (_rows.Remove((grainId, name), out var old))
            _byDue.Remove((old.NextDueAt, long.Parse(old.ETag!, CultureInfo.InvariantCulture), grainId, name));
    }

    private sealed class DueComparer : IComparer<(DateTimeOffset Due, long Version, GrainId GrainId, string Name)>
    {
        public static readonly DueComparer Instance = new();

        public int Compare((DateTimeOffset Due, long Version, GrainId GrainId, string Name) x, (DateTimeOffset Due, long Version, GrainId GrainId, string Name) y)
        {
            var byDue = x.Due.CompareTo(y.Due);
            return byDue != 0 ? byDue : x.Version.CompareTo(y.Version);
        }
    }
}
