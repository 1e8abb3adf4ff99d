using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Presence.Bench.Micro;

// dotnet run -c Release --project bench/Presence.Bench.Micro -- [--activation-memory [count]] [BenchmarkDotNet args]
if (args.Length > 0 && args[0] == "--activation-memory")
{
    var count = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : ActivationMemory.DefaultCount;
    ActivationMemory.Print(await ActivationMemory.RunAsync(count));
    return;
}

// In-process toolchain: no generated project to restore and build, which keeps a run to about a minute here.
var config = DefaultConfig.Instance.AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
var loadBefore = MicroReport.LoadAverage();
var summaries = BenchmarkSwitcher.FromAssembly(typeof(GrainCallBenchmarks).Assembly).Run(args.Length == 0 ? ["--filter", "*"] : args, config).ToList();
await BenchSilo.StopSharedAsync();

// The whole default run (no arguments) also measures memory per activation and writes bench/results/micro.md; a run
// narrowed by BenchmarkDotNet arguments leaves that file alone.
if (args.Length == 0)
{
    var memory = await ActivationMemory.RunAsync(ActivationMemory.DefaultCount);
    ActivationMemory.Print(memory);
    var path = MicroReport.Write(summaries, memory, loadBefore);
    Console.WriteLine($"wrote {path}");
}
