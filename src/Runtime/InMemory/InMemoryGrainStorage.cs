using System.Globalization;
using System.Text.Json;

namespace Presence.Orleans.Runtime;

/// <summary>
/// Grain state in process memory, with the same contract as the durable providers: state is stored
/// serialized (no object is shared with an activation) and every write checks the ETag.
/// </summary>
internal sealed class InMemoryGrainStorage : IGrainStorage
{
    private readonly Dictionary<(string StateName, GrainId GrainId), (byte[] Data, long Version)> _records = [];
    private readonly object _lock = new();

    public Task InitAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, GrainState<T> grainState, CancellationToken cancellationToken)
        where T : new()
    {
        (byte[] Data, long Version) record;
        bool exists;
        lock (_lock)
            exists = _records.TryGetValue((stateName, grainId), out record);
        grainState.State = exists ? JsonSerializer.Deserialize<T>(record.Data) ?? new T() : new T();
        grainState.ETag = exists ? Format(record.Version) : null;
        grainState.RecordExists = exists;
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, GrainState<T> grainState, CancellationToken cancellationToken)
        where T : new()
    {
        var data = JsonSerializer.SerializeToUtf8Bytes(grainState.State);
        long version;
        lock (_lock)
        {
            var key = (stateName, grainId);
            var stored = _records.TryGetValue(key, out var record) ? Format(record.Version) : null;
            if (stored != grainState.ETag)
                throw new InconsistentStateException($"Stale write of {stateName} for {grainId}: stored version {stored ?? "none"}, written {grainState.ETag ?? "none"}.", stored, grainState.ETag);
            version = record.Version + 1;
            _records[key] = (data, version);
        }
        grainState.ETag = Format(version);
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, GrainState<T> grainState, CancellationToken cancellationToken)
        where T : new()
    {
        lock (_lock)
        {
            var key = (stateName, grainId);
            var stored = _records.TryGetValue(key, out var record) ? Format(record.Version) : null;
            if (stored != grainState.ETag)
                throw new InconsistentStateException($"Stale clear of {stateName} for {grainId}.", stored, grainState.ETag);
            _records.Remove(key);
        }
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    private static string Format(long version) => version.ToString(CultureInfo.InvariantCulture);
}
