using Presence.Grains;

namespace Presence.Bench.Micro;

/// <summary>
/// Managed heap per activation, measured in-process with full GCs: the echo grain (what Orleans keeps per activation)
/// and the presence grain after one R1-like status (Orleans + grain + state + memory storage).
/// </summary>
internal static class ActivationMemory
{
    public const int DefaultCount = 100_000;

    /// <summary>Bytes of managed heap per activation of each kind.</summary>
    public sealed record Result(int Count, double EchoBytes, double UserBytes);

    public static async Task<Result> RunAsync(int count)
    {
        await using var silo = await BenchSilo.StartAsync();
        // Warm up code paths and the catalog's growth so they are not counted.
        await Task.WhenAll(Enumerable.Range(0, 100).Select(i => silo.Grains.GetGrain<IEchoGrain>($"warm{i}").EchoAsync(i)));
        await Task.WhenAll(Enumerable.Range(0, 100).Select(i => silo.Grains.GetUserGrain(new UserKey("demo", "demo", $"warm{i}")).SetStatusAsync("web", "1", "")));

        var echo = await MeasureAsync(count, i => silo.Grains.GetGrain<IEchoGrain>($"e{i}").EchoAsync(i));
        var user = await MeasureAsync(count, i => silo.Grains.GetUserGrain(new UserKey("demo", "demo", $"u{i}")).SetStatusAsync($"android_{i % 1000}", "1", ""));
        return new Result(count, echo, user);
    }

    public static void Print(Result result)
    {
        Console.WriteLine($"managed heap per activation ({result.Count:N0} activations, after full GCs):");
        Console.WriteLine($"  echo grain (Orleans only):                  {result.EchoBytes:N0} B");
        Console.WriteLine($"  presence grain, one resource online (R1):  {result.UserBytes:N0} B");
    }

    private static async Task<double> MeasureAsync(int count, Func<int, Task> activate)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        const int batch = 1000;
        for (var start = 0; start < count; start += batch)
            await Task.WhenAll(Enumerable.Range(start, Math.Min(batch, count - start)).Select(activate));
        var after = GC.GetTotalMemory(forceFullCollection: true);
        return (after - before) / (double)count;
    }
}
