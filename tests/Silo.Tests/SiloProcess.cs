using System.Globalization;
using System.Net;
using System.Reflection;

namespace Presence.Silo.Tests;

/// <summary>
/// The real silo (<c>dotnet Presence.Silo.dll</c>) as a child process on a loopback port, in Development
/// (so the dev app <c>demo/demo</c> exists) with PostgreSQL storage. It is stopped the way production stops it:
/// <see cref="KillAsync"/> sends SIGKILL (a crash), <see cref="TerminateAsync"/> SIGTERM (a graceful stop).
/// Its console output is kept and written to the test output when it is disposed.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    /// <summary>Generous: a cold start on a loaded CI machine JITs the whole host.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private static readonly Lazy<string> SiloAssembly = new(FindSiloAssembly);

    private readonly ServiceProcess _process;
    private readonly HttpClient _probe;
    private readonly ITestOutputHelper _output;
    private bool _logWritten;

    private SiloProcess(ServiceProcess process, PresenceDatabase database, IReadOnlyDictionary<string, string>? settings, ITestOutputHelper output)
    {
        _process = process;
        Database = database;
        Settings = settings;
        _output = output;
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        _probe = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        Client = new PresenceClient(Http);
    }

    /// <summary>Label in the test output (two silos in one test are "A" and "B").</summary>
    public string Name => _process.Name;

    public int Port => _process.Port;

    /// <summary>The database this silo runs on.</summary>
    public PresenceDatabase Database { get; }

    /// <summary>The extra configuration it was started with; a restart uses it again.</summary>
    public IReadOnlyDictionary<string, string>? Settings { get; }

    public Uri BaseAddress => _process.BaseAddress;

    public HttpClient Http { get; }

    /// <summary>The REST API of this silo, with an app token of the dev app.</summary>
    public PresenceClient Client { get; }

    /// <summary>How long the last start took, from process start to the awaited health endpoint answering 200.</summary>
    public TimeSpan StartupTime { get; private set; }

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the silo wrote to stdout and stderr so far.</summary>
    public string Log => _process.Log;

    /// <summary>
    /// Starts a silo on <paramref name="database"/> and waits until <c>/health/ready</c> (or, with
    /// <paramref name="waitUntilReady"/> false, only <c>/health/live</c>) answers 200.
    /// <paramref name="settings"/> are extra configuration keys (<c>Presence:Limits:MaxSubscribersPerUser</c>).
    /// </summary>
    public static async Task<SiloProcess> StartAsync(
        PresenceDatabase database,
        ITestOutputHelper output,
        IReadOnlyDictionary<string, string>? settings = null,
        string name = "silo",
        bool waitUntilReady = true)
    {
        // Another process may take the free port between probing and Kestrel binding it: try a few.
        for (var attempt = 1; ; attempt++)
        {
            var silo = new SiloProcess(ServiceProcess.Launch(name, SiloAssembly.Value, TestPorts.Next(), SiloEnvironment(database, settings, name)),
                database, settings, output);
            var path = waitUntilReady ? "/health/ready" : "/health/live";
            try
            {
                silo.StartupTime = await silo._process.WaitForHealthAsync(path, StartTimeout);
                output.WriteLine($"[{name}] {(waitUntilReady ? "ready" : "live")} on port {silo.Port} in {silo.StartupTime.TotalMilliseconds:0} ms");
                return silo;
            }
            catch (ServiceExitedException) when (attempt < 3 && silo.Log.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                await silo.DisposeAsync();
            }
            catch
            {
                await silo.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>Development (the dev app), PostgreSQL storage, a one-silo cluster of its own, timestamped log lines.</summary>
    private static Dictionary<string, string> SiloEnvironment(PresenceDatabase database, IReadOnlyDictionary<string, string>? settings, string name)
    {
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["Presence:Storage:Provider"] = "Postgres",
            ["ConnectionStrings:Presence"] = database.ConnectionString,
            // Each process is a one-silo cluster (localhost clustering) on its own silo and gateway ports, under its own
            // cluster id so that two silos of one test never see each other; the service id (which keys grain state and
            // reminders in the database) is the default, shared by every silo on the database.
            ["Presence:Cluster:Provider"] = "Localhost",
            ["Presence:Cluster:ClusterId"] = $"{name.ToLowerInvariant()}-{Guid.NewGuid().ToString("N")[..8]}",
            ["Presence:Cluster:SiloPort"] = TestPorts.Next().ToString(CultureInfo.InvariantCulture),
            ["Presence:Cluster:GatewayPort"] = TestPorts.Next().ToString(CultureInfo.InvariantCulture),
            // One line per entry, with a timestamp, so a failing test's output reads as a timeline.
            ["Logging:Console:FormatterName"] = "simple",
            ["Logging:Console:FormatterOptions:SingleLine"] = "true",
            ["Logging:Console:FormatterOptions:TimestampFormat"] = "HH:mm:ss.fff ",
            ["Logging:Console:FormatterOptions:ColorBehavior"] = "Disabled",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            environment[key] = value;
        return environment;
    }

    /// <summary>The status code of a GET, or null when the silo does not answer at all (within 10 s).</summary>
    public Task<HttpStatusCode?> StatusOfAsync(string path) => ServiceProcess.StatusOfAsync(_probe, path);

    /// <summary>SIGKILL (<c>kill -9</c>): the process dies at once, as in a crash; nothing is flushed or deactivated.</summary>
    public async Task KillAsync()
    {
        await _process.KillAsync();
        _output.WriteLine($"[{Name}] killed with SIGKILL");
    }

    /// <summary>SIGTERM, as Kubernetes stops a pod; waits for the exit and returns its code and how long it took.</summary>
    public async Task<(int ExitCode, TimeSpan Elapsed)> TerminateAsync(TimeSpan timeout)
    {
        var (exitCode, elapsed) = await _process.TerminateAsync(timeout);
        _output.WriteLine($"[{Name}] exited with code {exitCode} {elapsed.TotalMilliseconds:0} ms after SIGTERM");
        return (exitCode, elapsed);
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        Http.Dispose();
        _probe.Dispose();
        WriteLogToTestOutput();
    }

    private void WriteLogToTestOutput()
    {
        if (_logWritten)
            return;
        _logWritten = true;
        const int MaxLines = 300;
        var lines = Log.Split('\n');
        var skipped = Math.Max(0, lines.Length - MaxLines);
        _output.WriteLine($"---- silo {Name} (port {Port}) output{(skipped > 0 ? $", last {MaxLines} lines" : "")} ----");
        foreach (var line in lines.Skip(skipped))
            _output.WriteLine($"[{Name}] {line.TrimEnd('\r')}");
    }

    private static string FindSiloAssembly()
    {
        var path = typeof(SiloProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == "SiloAssemblyPath")?.Value
            ?? throw new InvalidOperationException("This assembly was built without the SiloAssemblyPath metadata (see the .csproj).");
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"The silo is not built at {path}: build the solution (dotnet build Presence.Orleans.sln).");
    }
}
