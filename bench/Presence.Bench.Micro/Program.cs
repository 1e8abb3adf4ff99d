using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Presence.Orleans.Bench.Micro;

// dotnet run -c Release --project bench/Presence.Bench.Micro -- [--activation-memory [count]] [BenchmarkDotNet args]
if (args.Length > 0 && args[0] == "--activation-memory")
{
    await ActivationMemory.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100_000);
    return;
}

// In-process toolchain: no generated project to restore and build, which keeps a run to about a minute here.
var config = DefaultConfig.Instance.AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
BenchmarkSwitcher.FromAssembly(typeof(GrainCallBenchmarks).Assembly).Run(args.Length == 0 ? ["--filter", "*"] : args, config);
await BenchSilo.StopSharedAsync();
