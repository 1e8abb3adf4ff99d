using Orleans.Runtime;
using Orleans.Storage;
using Presence.Grains;

namespace Presence.Storage;

/// <summary>
/// Orleans' stock ADO.NET grain storage, unchanged, except that what it throws goes through
/// <see cref="PostgresDatabase.Translate"/>: an outage surfaces as <see cref="StorageUnavailableException"/>, and no Npgsql
/// exception (which Orleans cannot serialize to the caller) leaves it. Our group commit storage translates on its own.
/// </summary>
internal sealed class OutageAwareGrainStorage(IGrainStorage inner, PostgresDatabase database) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        GuardAsync(() => inner.ReadStateAsync(stateName, grainId, grainState), "reading", grainId);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        GuardAsync(() => inner.WriteStateAsync(stateName, grainId, grainState), "writing", grainId);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        GuardAsync(() => inner.ClearStateAsync(stateName, grainId, grainState), "clearing", grainId);

    private async Task GuardAsync(Func<Task> call, string operation, GrainId grainId)
    {
        try
        {
            await call();
        }
        catch (Exception exception) when (StorageErrors.MustTranslate(exception))
        {
            throw database.Translate(exception, $"{operation} the state of {grainId}");
        }
    }
}
