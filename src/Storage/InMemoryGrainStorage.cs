using System.Collections.Concurrent;
using System.Globalization;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using Presence.Webhooks;

namespace Presence.Storage;

/// <summary>
/// The grain states of the memory provider: one record per grain and state name, the state serialized (Orleans' binary
/// format: one compact array per grain, nothing the grain can change) with its ETag.
/// Per process, like the memory subscription table: the memory provider is the one-silo embedded default, and
/// in-process test clusters give every silo the same instance, as a shared database would be.
/// </summary>
public sealed class InMemoryGrainStore
{
    private long _lastETag;

    internal ConcurrentDictionary<(string StateName, GrainId GrainId), Record> Records { get; } = new();

    internal string NextETag() => Interlocked.Increment(ref _lastETag).ToString(CultureInfo.InvariantCulture);

    /// <summary>A stored state (null once cleared: the record stays, so a stale ETag is still refused) and its ETag.</summary>
    internal sealed record Record(byte[]? State, string ETag);
}

/// <summary>
/// Orleans grain storage over <see cref="InMemoryGrainStore"/>, with the ETag contract of Orleans' memory storage: a
/// write or clear carrying another ETag than the stored one throws <see cref="InconsistentStateException"/>, so a stale
/// activation cannot overwrite a newer state. Orleans' own memory storage keeps states in storage grains and pays a
/// grain call and a serialization per write, as a remote store would; here a write is a serialization and a
/// compare-and-swap, which is what the embedded default needs (the storage grain's call was a third of a status change).
/// </summary>
/// <remarks>
/// Webhook events a state carries (<see cref="IWebhookEventCarrier"/>) go to <see cref="InMemoryWebhookOutbox"/> once the
/// swap succeeded: only a stored change has callbacks.
/// </remarks>
internal sealed class InMemoryGrainStorage(InMemoryGrainStore store, Serializer serializer, IActivatorProvider activators, InMemoryWebhookOutbox? webhooks = null)
    : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (store.Records.TryGetValue((stateName, grainId), out var record) && record.State is { } state)
        {
            grainState.State = serializer.Deserialize<T>(state);
            grainState.ETag = record.ETag;
            grainState.RecordExists = true;
        }
        else
        {
            grainState.State = activators.GetActivator<T>().Create();
            grainState.ETag = record?.ETag;
            grainState.RecordExists = false;
        }
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var stored = Swap(stateName, grainId, grainState.ETag, serializer.SerializeToArray(grainState.State));
        grainState.ETag = stored.ETag;
        grainState.RecordExists = true;
        if ((grainState.State as IWebhookEventCarrier)?.PendingWebhooks is { Count: > 0 } events)
            webhooks?.Append(events);
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var stored = Swap(stateName, grainId, grainState.ETag, state: null);
        grainState.ETag = stored.ETag;
        grainState.RecordExists = false;
        grainState.State = activators.GetActivator<T>().Create();
        return Task.CompletedTask;
    }

    /// <summary>Replaces the record if <paramref name="expectedETag"/> is the stored one (or nothing is stored yet).</summary>
    private InMemoryGrainStore.Record Swap(string stateName, GrainId grainId, string? expectedETag, byte[]? state)
    {
        var key = (stateName, grainId);
        var next = new InMemoryGrainStore.Record(state, store.NextETag());
        while (true)
        {
            if (!store.Records.TryGetValue(key, out var current))
            {
                if (expectedETag is not null)
                    throw Mismatch(grainId, current: null, expectedETag);
                if (store.Records.TryAdd(key, next))
                    return next;
            }
            else
            {
                if (current.ETag != expectedETag)
                    throw Mismatch(grainId, current.ETag, expectedETag);
                if (store.Records.TryUpdate(key, next, current))
                    return next;
            }
        }
    }

    private static InconsistentStateException Mismatch(GrainId grainId, string? current, string? expected) =>
        new($"The state of {grainId} was written by another activation (stored ETag {current ?? "none"}, this one's {expected ?? "none"}).",
            current, expected);
}
