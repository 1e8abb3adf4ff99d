using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Presence.Bench;

/// <summary>
/// The commands bench/run.sh calls. Scenario commands append one <see cref="ScenarioResult"/> line to
/// <c>--out</c> and exit non-zero when the scenario failed; progress goes to stderr.
/// </summary>
internal static class BenchCommands
{
    private const string Usage = """
        Presence.Bench <command> [--option value]…
          free-port                         print a free TCP port on 127.0.0.1
          wait-ready  --url U [--seconds 60]  poll /health/ready until 200
          wait-quiet  [--seconds 60 --max-cores 0.3]  wait until other work on the machine uses less than max-cores
          token       --url U [--org demo --app demo --client-id demo-client --client-secret demo-secret]
          wrk         --id ID --name N --script lua/x.lua --url U --token T --pid P --out F [--duration 10 --warmup 2 --connections 64 --threads 2 --lua "USERS=100000;…"]
          mem-users   --id ID --name N --url U --token T --pid P --out F --users N [--concurrency 64]
          mem-subs    --id ID --name N --url U --token T --pid P --out F --users N --subscribers M [--concurrency 16]
          mem-bare-activation --id ID --name N --url U --token T --pid P --out F --activations N
          mem-sockets --id ID --name N --url U --token T --pid P --out F --sockets N [--hold SECONDS]
          fanout      --id ID --name N --url U --token T --pid P --out F --subscribers N [--rate 2 --changes 20 --broadcast --ws-urls U1,U2 --silo-pids P1,P2 --sockets-per-process N]
          fanout-receivers  (started by fanout itself past one process's open-files limit)
          report      --in F --json F [--mode quick|full --storage memory|postgres --commit SHA --dirty true|false]
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }
        var options = new BenchArgs(args.Skip(1));
        try
        {
            return args[0] switch
            {
                "free-port" => FreePort(),
                "wait-ready" => await WaitReadyAsync(options),
                "token" => await TokenAsync(options),
                "wait-quiet" => await WaitQuietAsync(options),
                "wrk" => await WrkScenario.RunAsync(options),
                "mem-users" => await MemoryScenarios.UsersAsync(options),
                "mem-subs" => await MemoryScenarios.SubscriptionsAsync(options),
                "mem-bare-activation" => await MemoryScenarios.BareActivationsAsync(options),
                "mem-sockets" => await MemoryScenarios.SocketsAsync(options),
                "fanout" => await FanoutScenario.RunAsync(options),
                "fanout-receivers" => await ChildFanoutReceivers.RunChildAsync(options),
                "report" => Report.Write(options),
                _ => Fail($"Unknown command '{args[0]}'.\n{Usage}"),
            };
        }
        catch (ArgumentException ex)
        {
            return Fail(ex.Message);
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Console.WriteLine(((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture));
        return 0;
    }

    private static async Task<int> WaitReadyAsync(BenchArgs options)
    {
        using var rest = Rest(options, 1);
        var deadline = Stopwatch.StartNew();
        var limit = TimeSpan.FromSeconds(options.Int("seconds", 60));
        while (deadline.Elapsed < limit)
        {
            try
            {
                var (status, _) = await rest.GetAsync("/health/ready", null, CancellationToken.None);
                if (status == 200)
                    return 0;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(200);
        }
        Console.Error.WriteLine($"The silo was not ready within {limit.TotalSeconds:0} s.");
        return 1;
    }

    /// <summary>
    /// The benchmarks share the machine's cores with whatever else runs on it: wait (bounded) until the machine's
    /// busy CPU, measured over 2 s, is below --max-cores. Always exits 0; says so when it gave up.
    /// </summary>
    private static async Task<int> WaitQuietAsync(BenchArgs options)
    {
        var limit = TimeSpan.FromSeconds(options.Int("seconds", 60));
        var maxCores = options.Double("max-cores", 0.3);
        var clock = Stopwatch.StartNew();
        double busy;
        do
        {
            var meter = new CpuMeter(Environment.ProcessId);
            await Task.Delay(TimeSpan.FromSeconds(2));
            var metrics = new SortedDictionary<string, double>(StringComparer.Ordinal);
            meter.Stop(metrics);
            busy = metrics["cpu_machine_cores"];
            if (busy < maxCores)
                return 0;
        }
        while (clock.Elapsed < limit);
        Console.Error.WriteLine($"  (the machine is busy: {busy:0.00} cores used by other work; measuring anyway)");
        return 0;
    }

    private static async Task<int> TokenAsync(BenchArgs options)
    {
        using var rest = Rest(options, 1);
        Console.WriteLine(await rest.AppTokenAsync(options.Get("client-id", "demo-client"), options.Get("client-secret", "demo-secret")));
        return 0;
    }

    public static PresenceRest Rest(BenchArgs options, int connections) =>
        new(options.Get("url"), options.Get("org", "demo"), options.Get("app", "demo"), connections);

    /// <summary>Writes the result line, prints a one-line summary, and turns the status into the exit code.</summary>
    public static int Finish(BenchArgs options, ScenarioResult result)
    {
        result.AppendTo(options.Get("out"));
        Console.Error.WriteLine($"  {result.Name}: {result.Status}{(result.Throughput is { } t ? $", {t:N0} {result.Unit}" : "")}" +
            $"{(result.P50Ms is { } p50 ? $", p50 {p50:0.###} ms" : "")}{(result.P99Ms is { } p99 ? $", p99 {p99:0.###} ms" : "")}" +
            $"{(result.Note is { } note ? $" — {note}" : "")}");
        return result.Status == ScenarioResult.Failed ? 1 : 0;
    }

    public static SortedDictionary<string, long> StatusMap(LoadResult load) =>
        new(load.Statuses.ToDictionary(p => p.Key.ToString(CultureInfo.InvariantCulture), p => (long)p.Value), StringComparer.Ordinal);

    public static string Describe(object value) => JsonSerializer.Serialize(value);
}
