namespace Presence.Orleans.Runtime;

/// <summary>
/// Grain state storage with optimistic concurrency (Orleans' <c>IGrainStorage</c>). A write whose
/// ETag does not match the stored version throws <see cref="InconsistentStateException"/>; the runtime
/// then deactivates that activation, which fences a stale duplicate. An unreachable store throws
/// <see cref="StorageUnavailableException"/>.
/// </summary>
public interface IGrainStorage
{
    Task InitAsync(CancellationToken cancellationToken);

    Task ReadStateAsync<T>(string stateName, GrainId grainId, GrainState<T> grainState, CancellationToken cancellationToken)
        where T : new();

    Task WriteStateAsync<T>(string stateName, GrainId grainId, GrainState<T> grainState, CancellationToken cancellationToken)
        where T : new();

    Task ClearStateAsync<T>(string stateName, GrainId grainId, GrainState<T> grainState, CancellationToken cancellationToken)
        where T : new();
}
