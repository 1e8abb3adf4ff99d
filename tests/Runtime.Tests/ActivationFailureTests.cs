using Microsoft.Extensions.DependencyInjection;

namespace Presence.Orleans.Runtime.Tests;

public sealed class ActivationFailureTests
{
    [Fact]
    public async Task Calls_FailWithStorageError_WhileStateCannotLoad_AndSucceedOnceStorageReturns()
    {
        var storage = new SwitchableStorage();
        await using var silo = await TestSilo.StartAsync(s => s.AddSingleton<IGrainStorage>(storage));
        storage.Down = true;

        await Assert.ThrowsAsync<StorageUnavailableException>(() => silo.Grain("outage").LoadAsync());
        await Eventually.TrueAsync(() => silo.Catalog.ActivationCount == 0, because: "failed activation removed");

        storage.Down = false;
        await silo.Grain("outage").SaveAsync("after");
        Assert.Equal("after", await silo.Grain("outage").LoadAsync());
    }

    /// <summary>In-memory storage that can be switched off, like a database going away.</summary>
    private sealed class SwitchableStorage : IGrainStorage
    {
        private readonly InMemoryGrainStorage _inner = new();

        public volatile bool Down;

        public Task InitAsync(CancellationToken cancellationToken) => _inner.InitAsync(cancellationToken);

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, GrainState<T> grainState, CancellationToken cancellationToken) where T : new() =>
            Down ? throw new StorageUnavailableException("down") : _inner.ReadStateAsync(stateName, grainId, grainState, cancellationToken);

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, GrainState<T> grainState, CancellationToken cancellationToken) where T : new() =>
            Down ? throw new StorageUnavailableException("down") : _inner.WriteStateAsync(stateName, grainId, grainState, cancellationToken);

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, GrainState<T> grainState, CancellationToken cancellationToken) where T : new() =>
            Down ? throw new StorageUnavailableException("down") : _inner.ClearStateAsync(stateName, grainId, grainState, cancellationToken);
    }
}
