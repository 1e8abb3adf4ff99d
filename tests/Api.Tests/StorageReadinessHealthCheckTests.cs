using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Presence.Silo;
using Presence.Testing;

namespace Presence.Api.Tests;

public sealed class StorageReadinessHealthCheckTests
{
    private readonly ManualTimeProvider _clock = new();
    private readonly CountingStorage _storage = new();
    private readonly StorageReadinessHealthCheck _check;

    public StorageReadinessHealthCheckTests()
    {
        var services = new ServiceCollection().AddSingleton<IStorageHealth>(_storage).BuildServiceProvider();
        _check = new StorageReadinessHealthCheck(services, _clock);
    }

    [Fact]
    public async Task ProbesWithinTheCacheTime_ShareOnePing_AndALaterProbePingsAgain()
    {
        var first = await CheckAsync();
        _clock.Advance(StorageReadinessHealthCheck.CacheFor - TimeSpan.FromMilliseconds(1));
        var second = await CheckAsync();
        Assert.Equal(1, _storage.Pings);

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        var third = await CheckAsync();

        Assert.Equal(2, _storage.Pings);
        Assert.All([first, second, third], r => Assert.Equal(HealthStatus.Healthy, r.Status));
    }

    [Fact]
    public async Task ASlowPing_IsUnready_AfterThePingTimeout_AndProbesMeanwhileWaitForThatOnePing()
    {
        _storage.Hang = true;
        var first = CheckAsync();
        var second = CheckAsync();
        Assert.False(first.IsCompleted);

        _clock.Advance(StorageReadinessHealthCheck.PingTimeout);

        Assert.Equal(HealthStatus.Unhealthy, (await first).Status);
        Assert.Equal(HealthStatus.Unhealthy, (await second).Status);
        Assert.Equal(1, _storage.Pings);
    }

    [Fact]
    public async Task ACachedReady_IsDropped_OnceACallFoundTheStorageUnavailable()
    {
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync()).Status);
        _storage.Fail = true;
        _storage.KnownUnavailable = true; // a grain's write met the outage

        var result = await CheckAsync();

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal(2, _storage.Pings);
    }

    [Fact]
    public async Task AnUnavailableStorage_IsUnready()
    {
        _storage.Fail = true;

        var result = await CheckAsync();

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("unavailable", result.Description, StringComparison.Ordinal);
    }

    private Task<HealthCheckResult> CheckAsync() => _check.CheckHealthAsync(new HealthCheckContext());

    private sealed class CountingStorage : IStorageHealth
    {
        private int _pings;

        public string Backend => "test";

        public int Pings => _pings;

        public bool Hang { get; set; }

        public bool Fail { get; set; }

        public bool KnownUnavailable { get; set; }

        public bool IsKnownUnavailable => KnownUnavailable;

        public async Task PingAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _pings);
            if (Fail)
                throw new StorageUnavailableException("down");
            if (Hang)
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        }
    }
}
