using System.Collections.Concurrent;
using Presence.Orleans.Runtime;

namespace Presence.Orleans.Grains.Tests;

/// <summary>Counts state reads per grain key: each activation reads its state once, so this counts activations.</summary>
internal sealed class CountingGrainStorage(IGrainStorage inner) : IGrainStorage
{
    private readonly ConcurrentDictionary<string, int> _reads = new(StringComparer.Ordinal);

    public int ReadsOf(string username) => _reads.GetValueOrDefault(PresenceTestSilo.Key(username).ToString());

    public Task InitAsync(CancellationToken cancellationToken) => inner.InitAsync(cancellationToken);

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, GrainState<T> grainState, CancellationToken cancellationToken)
        where T : new()
    {
        _reads.AddOrUpdate(grainId.Key, 1, static (_, n) => n + 1);
        return inner.ReadStateAsync(stateName, grainId, grainState, cancellationToken);
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, GrainState<T> grainState, CancellationToken cancellationToken)
        where T : new() => inner.WriteStateAsync(stateName, grainId, grainState, cancellationToken);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, GrainState<T> grainState, CancellationToken cancellationToken)
        where T : new() => inner.ClearStateAsync(stateName, grainId, grainState, cancellationToken);
}
