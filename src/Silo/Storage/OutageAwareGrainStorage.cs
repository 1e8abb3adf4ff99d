using Orleans.Runtime;
using Orleans.Storage;
using Presence.Orleans.Grains;
using Presence.Orleans.Diagnostics;

namespace Presence.Orleans.Silo;

/// <summary>
/// The PostgreSQL grain storage (ours with group commit, or Orleans' stock ADO.NET one), unchanged, except that a database
/// outage surfaces as <see cref="StorageUnavailableException"/>, a type every process can deserialize (a gateway has no database driver).
/// Orleans wraps provider exceptions in an <c>OrleansException</c> (also at activation, where no grain code runs);
/// ours stays inside as the inner exception, and the grain and the gateway look through the chain.
/// </summary>
internal sealed class OutageAwareGrainStorage(IGrainStorage inner) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        GuardAsync(() => inner.ReadStateAsync(stateName, grainId, grainState), "reading", grainId);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        GuardAsync(() => inner.WriteStateAsync(stateName, grainId, grainState), "writing", grainId);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        GuardAsync(() => inner.ClearStateAsync(stateName, grainId, grainState), "clearing", grainId);

    private static async Task GuardAsync(Func<Task> call, string operation, GrainId grainId)
    {
        try
        {
            await call();
        }
        catch (Exception exception) when (StorageErrors.IsUnavailable(exception))
        {
            PresenceMetrics.StorageFailed($"{operation} grain state");
            throw new StorageUnavailableException($"Storage is unavailable ({operation} the state of {grainId}): {exception.Message}");
        }
    }
}
