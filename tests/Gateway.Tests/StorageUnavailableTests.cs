using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Presence.Orleans.Grains;
using Presence.Orleans.Runtime;

namespace Presence.Orleans.Gateway.Tests;

/// <summary>A storage outage is 503 with Easemob's body, never 500.</summary>
public sealed class StorageUnavailableTests
{
    [Fact]
    public async Task EveryPresenceRoute_Returns503_WhenGrainCallsFailWithStorageUnavailable()
    {
        await using var factory = new FailingGrainsFactory();
        var client = factory.CreateGatewayClient();
        var token = await client.AppTokenAsync();

        using var set = await client.SetPresenceAsync(token, "u1", "web", "1");
        using var subscribe = await client.SubscribeAsync(token, "u1", 60, "u2");
        using var get = await client.GetPresenceAsync(token, "u1", "u2");
        using var unsubscribe = await client.UnsubscribeAsync(token, "u1", "u2");
        using var list = await client.GetSubscriptionsAsync(token, "u1");

        foreach (var response in new[] { set, subscribe, get, unsubscribe, list })
        {
            var json = await Api.AssertErrorAsync(response, HttpStatusCode.ServiceUnavailable, "service_unavailable");
            Assert.Equal("ServiceUnavailableException", json.GetProperty("exception").GetString());
        }
    }

    [Fact]
    public async Task PresenceRoute_Returns503_WhenGrainStorageIsDown()
    {
        await using var factory = new FailingStorageFactory();
        var client = factory.CreateGatewayClient();
        var token = await client.AppTokenAsync();

        using var response = await client.SetPresenceAsync(token, "u1", "web", "1");

        await Api.AssertErrorAsync(response, HttpStatusCode.ServiceUnavailable, "service_unavailable");
    }

    [Fact]
    public async Task PresenceRoute_Returns500WithErrorBody_WhenGrainHasABug()
    {
        await using var factory = new FailingGrainsFactory(new InvalidOperationException("bug"));
        var client = factory.CreateGatewayClient();
        var token = await client.AppTokenAsync();

        using var response = await client.GetPresenceAsync(token, "u1", "u2");

        await Api.AssertErrorAsync(response, HttpStatusCode.InternalServerError, "internal_server_error", "Internal server error");
    }

    [Fact]
    public async Task Readiness_Returns503ButLivenessStays200_WhenStoragePingFails()
    {
        await using var factory = new FailingPingFactory();
        var http = factory.CreateClient();

        using var ready = await http.GetAsync("/health/ready");
        using var live = await http.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("Unhealthy", await ready.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    private sealed class FailingPingFactory : GatewayFactory
    {
        protected override void ConfigureServices(IServiceCollection services) =>
            services.AddSingleton<IStorageHealth, UnavailableStorageHealth>();
    }

    private sealed class UnavailableStorageHealth : IStorageHealth
    {
        public string Backend => "test";

        public Task PingAsync(CancellationToken cancellationToken) => throw new StorageUnavailableException("database is down");
    }

    private sealed class FailingGrainsFactory(Exception? failure = null) : GatewayFactory
    {
        protected override void ConfigureServices(IServiceCollection services) =>
            services.AddSingleton<IGrainFactory>(new ThrowingGrainFactory(failure ?? new StorageUnavailableException("database is down")));
    }

    private sealed class FailingStorageFactory : GatewayFactory
    {
        protected override void ConfigureServices(IServiceCollection services) =>
            services.AddSingleton<IGrainStorage, UnavailableGrainStorage>();
    }

    private sealed class ThrowingGrainFactory(Exception failure) : IGrainFactory
    {
        public TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey =>
            (TGrainInterface)(object)new ThrowingUserGrain(failure);

        public TObserver CreateObjectReference<TObserver>(TObserver observer) where TObserver : class, IGrainObserver => observer;

        public void DeleteObjectReference<TObserver>(TObserver reference) where TObserver : class, IGrainObserver
        {
        }
    }

    private sealed class ThrowingUserGrain(Exception failure) : IUserPresenceGrain
    {
        public Task<PresenceSnapshot> SetStatusAsync(string resource, string status, string? ext) => Task.FromException<PresenceSnapshot>(failure);
        public Task<PresenceSnapshot> GetPresenceAsync() => Task.FromException<PresenceSnapshot>(failure);
        public Task<SubscribeResult> SubscribeAsync(IReadOnlyList<string> usernames, int expirySeconds) => Task.FromException<SubscribeResult>(failure);
        public Task UnsubscribeAsync(IReadOnlyList<string> usernames) => Task.FromException(failure);
        public Task<SubscriptionPage> GetSubscriptionsAsync(int pageNum, int pageSize) => Task.FromException<SubscriptionPage>(failure);
        public Task<WatchResult> AddWatcherAsync(string subscriber, long expiresAtUnixSeconds, bool connected = false, long connectionEpoch = 0) => Task.FromException<WatchResult>(failure);
        public Task RemoveWatcherAsync(string subscriber) => Task.FromException(failure);
        public Task<IReadOnlyList<SubscriptionEntry>> GetWatchersAsync() => Task.FromException<IReadOnlyList<SubscriptionEntry>>(failure);
        public Task<PresenceSnapshot> ConnectAsync(string resource, IPresenceObserver device) => Task.FromException<PresenceSnapshot>(failure);
        public Task<PresenceSnapshot> DisconnectAsync(string resource, IPresenceObserver device, bool logout) => Task.FromException<PresenceSnapshot>(failure);
        public Task WatcherConnectionChangedAsync(string subscriber, bool connected, long connectionEpoch, bool resync = false) => Task.FromException(failure);
        public Task DeliverPresenceAsync(PresenceSnapshot presence) => Task.FromException(failure);
        public Task TargetResetAsync(string target) => Task.FromException(failure);
    }

    private sealed class UnavailableGrainStorage : IGrainStorage
    {
        public Task InitAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, GrainState<T> grainState, CancellationToken cancellationToken) where T : new() =>
            throw new StorageUnavailableException("database is down");

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, GrainState<T> grainState, CancellationToken cancellationToken) where T : new() =>
            throw new StorageUnavailableException("database is down");

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, GrainState<T> grainState, CancellationToken cancellationToken) where T : new() =>
            throw new StorageUnavailableException("database is down");
    }
}
