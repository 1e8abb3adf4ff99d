using BenchmarkDotNet.Attributes;
using Presence.Grains;

namespace Presence.Bench.Micro;

/// <summary>
/// What Orleans adds to a call inside one silo: the echo method on a plain object (the baseline), the same call through
/// a grain reference (message, activation turn, response), 100 calls to 100 activations at once (R3's shape), and the
/// real presence grain's read.
/// </summary>
[MemoryDiagnoser]
public class GrainCallBenchmarks
{
    private const int Fanout = 100;
    private readonly EchoTarget _direct = new();
    private readonly Task<int>[] _calls = new Task<int>[Fanout];
    private BenchSilo _silo = null!;
    private IEchoGrain _echo = null!;
    private IEchoGrain[] _echoes = null!;
    private IUserPresenceGrain _user = null!;

    /// <summary>Synchronous on purpose: the workload must not start before the silo and the activations are up.</summary>
    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _silo = await BenchSilo.SharedAsync();
        _echo = _silo.Grains.GetGrain<IEchoGrain>("one");
        _echoes = [.. Enumerable.Range(0, Fanout).Select(i => _silo.Grains.GetGrain<IEchoGrain>($"e{i}"))];
        _user = _silo.Grains.GetUserGrain(new UserKey("demo", "demo", "u1"));
        await _echo.EchoAsync(0);
        await Task.WhenAll(_echoes.Select(e => e.EchoAsync(0)));
        await _user.SetStatusAsync("web", "1", "bench");
    }

    [Benchmark(Baseline = true)]
    public Task<int> DirectCall() => _direct.EchoAsync(1);

    [Benchmark]
    public Task<int> GrainCall() => _echo.EchoAsync(1);

    [Benchmark(OperationsPerInvoke = Fanout)]
    public async Task<int> GrainCalls100Activations()
    {
        for (var i = 0; i < Fanout; i++)
            _calls[i] = _echoes[i].EchoAsync(i);
        var results = await Task.WhenAll(_calls);
        return results[^1];
    }

    [Benchmark]
    public async Task<int> UserGrainGetPresence() => (await _user.GetPresenceAsync()).Status.Count;
}
