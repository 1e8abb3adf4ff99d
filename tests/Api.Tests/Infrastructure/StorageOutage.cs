using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.Runtime;
using Orleans.Storage;
using Presence.Grains;

namespace Presence.Api.Tests;

/// <summary>
/// A switchable storage outage at the seams the service owns: the grain state provider (<c>"Default"</c>, which Orleans
/// resolves by key) and the subscription rows (<see cref="ISubscriptionTable"/>). While <see cref="IsDown"/>, every call
/// throws <see cref="StorageUnavailableException"/>, as the PostgreSQL backends do when the database is unreachable;
/// otherwise calls reach the silo's own backends unchanged, so data written before an outage is still there after it.
/// </summary>
public sealed class StorageOutage
{
    private volatile bool _down;
    private int _refused;

    public bool IsDown => _down;

    /// <summary>Number of storage calls refused while down (to show a test's request really reached storage).</summary>
    public int Refused => Volatile.Read(ref _refused);

    public void GoDown() => _down = true;

    public void Recover() => _down = false;

    /// <summary>
    /// Wraps the silo's grain storage and, unless <paramref name="subscriptionRows"/> is false, its subscription table.
    /// Call from <c>ConfigureTestServices</c>, after the silo registered them.
    /// </summary>
    public void Install(IServiceCollection services, bool subscriptionRows = true)
    {
        var storage = services.LastOrDefault(d => d.ServiceType == typeof(IGrainStorage) && d.IsKeyedService
                && Equals(d.ServiceKey, ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME))
            ?? throw new InvalidOperationException("The silo registered no \"Default\" grain storage.");
        // A later keyed registration wins: Orleans resolves grain storage with GetKeyedService<IGrainStorage>("Default").
        services.AddKeyedSingleton<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME,
            (sp, key) => new OutageGrainStorage((IGrainStorage)Create(storage, sp, key), this));
        if (!subscriptionRows)
            return;

        var table = services.LastOrDefault(d => d.ServiceType == typeof(ISubscriptionTable) && !d.IsKeyedService)
            ?? throw new InvalidOperationException("The silo registered no ISubscriptionTable.");
        services.AddSingleton<ISubscriptionTable>(sp => new OutageSubscriptionTable((ISubscriptionTable)Create(table, sp, null), this));
    }

    private void ThrowIfDown(string operation)
    {
        if (!_down)
            return;
        Interlocked.Increment(ref _refused);
        throw new StorageUnavailableException($"Storage is unavailable ({operation}): the test took it down.");
    }

    private static object Create(ServiceDescriptor descriptor, IServiceProvider services, object? key)
    {
        if (descriptor.IsKeyedService)
        {
            return descriptor.KeyedImplementationInstance
                ?? descriptor.KeyedImplementationFactory?.Invoke(services, key)
                ?? ActivatorUtilities.CreateInstance(services, descriptor.KeyedImplementationType!);
        }
        return descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!);
    }

    private sealed class OutageGrainStorage(IGrainStorage inner, StorageOutage outage) : IGrainStorage
    {
        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            outage.ThrowIfDown($"reading {grainId}");
            return inner.ReadStateAsync(stateName, grainId, grainState);
        }

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            outage.ThrowIfDown($"writing {grainId}");
            return inner.WriteStateAsync(stateName, grainId, grainState);
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            outage.ThrowIfDown($"clearing {grainId}");
            return inner.ClearStateAsync(stateName, grainId, grainState);
        }
    }

    private sealed class OutageSubscriptionTable(ISubscriptionTable inner, StorageOutage outage) : ISubscriptionTable
    {
        public Task<IReadOnlyList<SubscriptionRow>> ReadBySubscriberAsync(string subscriber, CancellationToken cancellationToken)
        {
            outage.ThrowIfDown($"reading the subscriptions of {subscriber}");
            return inner.ReadBySubscriberAsync(subscriber, cancellationToken);
        }

        public Task<IReadOnlyList<SubscriptionRow>> ReadByTargetAsync(string target, CancellationToken cancellationToken)
        {
            outage.ThrowIfDown($"reading the watchers of {target}");
            return inner.ReadByTargetAsync(target, cancellationToken);
        }

        public Task WriteAsync(IReadOnlyCollection<SubscriptionRow> upserts, IReadOnlyCollection<SubscriptionKey> deletes, CancellationToken cancellationToken)
        {
            outage.ThrowIfDown("writing subscription rows");
            return inner.WriteAsync(upserts, deletes, cancellationToken);
        }
    }
}
