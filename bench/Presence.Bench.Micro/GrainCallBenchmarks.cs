using BenchmarkDotNet.Attributes;
using Presence.Orleans.Grains;

namespace Presence.Orleans.Bench.Micro;

/// <summary>
/// What the runtime adds to a call: a direct call on a grain object, the same call through a reference
/// (queue, turn, response timeout), 100 calls to 100 activations at once (R3's shape), and the real presence
/// grain's read.
/// </summary>
[MemoryDiagnoser]
public class GrainCallBenchmarks
{
    private const int Fanout = 100;
    private BenchSilo _silo = null!;
    private readonly EchoGrain _direct = new();
    private IEchoGrain _echo = null!;
    private IEchoGrain[] _echoes = null!;
    private IUserPresenceGrain _user = null!;
    private readonly Task<int>[] _calls = new Task<int>[Fanout];

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _silo = await BenchSilo.StartAsync();
        _echo = _silo.Grains.GetGrain<IEchoGrain>("one");
        _echoes = [.. Enumerable.Range(0, Fanout).Select(i => _silo.Grains.GetGrain<IEchoGrain>($"e{i}"))];
        _user = _silo.Grains.GetUserGrain(new UserKey("demo", "demo", "u1"));
        await _echo.EchoAsync(0);
        await Task.WhenAll(_echoes.Select(e => e.EchoAsync(0)));
        await _user.SetStatusAsync("web", "1", "bench");
    }

    [GlobalCleanup]
    public async Task CleanupAsync() => await _silo.DisposeAsync();

    [Benchmark]
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
