using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;

namespace Presence.Orleans.Silo.Tests;

/// <summary>
/// The real silo (<c>dotnet Presence.Orleans.Silo.dll</c>) as a child process on a loopback port, in Development
/// (so the dev app <c>demo/demo</c> exists) with PostgreSQL storage. It is stopped the way production stops it:
/// <see cref="KillAsync"/> sends SIGKILL (a crash), <see cref="TerminateAsync"/> SIGTERM (a graceful stop).
/// Its console output is kept and written to the test output when it is disposed.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    /// <summary>Generous: a cold start on a loaded CI machine JITs the whole host.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private static readonly Lazy<string> SiloAssembly = new(FindSiloAssembly);

    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly ITestOutputHelper _output;
    private bool _logWritten;

    private SiloProcess(Process process, string name, int port, PresenceDatabase database, IReadOnlyDictionary<string, string>? settings, ITestOutputHelper output)
    {
        _process = process;
        Database = database;
        Settings = settings;
        Name = name;
        Port = port;
        _output = output;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Client = new PresenceClient(Http);
    }

    /// <summary>Label in the test output (two silos in one test are "A" and "B").</summary>
    public string Name { get; }

    public int Port { get; }

    /// <summary>The database this silo runs on.</summary>
    public PresenceDatabase Database { get; }

    /// <summary>The extra configuration it was started with; a restart uses it again.</summary>
    public IReadOnlyDictionary<string, string>? Settings { get; }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    /// <summary>The REST API of this silo, with an app token of the dev app.</summary>
    public PresenceClient Client { get; }

    /// <summary>How long the last start took, from process start to the awaited health endpoint answering 200.</summary>
    public TimeSpan StartupTime { get; private set; }

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the silo wrote to stdout and stderr so far.</summary>
    public string Log
    {
        get
        {
            lock (_log)
                return _log.ToString();
        }
    }

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
            var silo = Launch(database, output, settings, name, TestPorts.Next());
            try
            {
                await silo.WaitForHealthAsync(waitUntilReady ? "/health/ready" : "/health/live");
                output.WriteLine($"[{name}] {(waitUntilReady ? "ready" : "live")} on port {silo.Port} in {silo.StartupTime.TotalMilliseconds:0} ms");
                return silo;
            }
            catch (SiloExitedException) when (attempt < 3 && silo.Log.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
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

    private static SiloProcess Launch(PresenceDatabase database, ITestOutputHelper output, IReadOnlyDictionary<string, string>? settings, string name, int port)
    {
        var assembly = SiloAssembly.Value;
        var start = new ProcessStartInfo
        {
            FileName = DotnetHost(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // The content root: appsettings*.json next to the assembly.
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
        };
        start.ArgumentList.Add(assembly);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["Presence__Storage__Provider"] = "Postgres";
        start.Environment["ConnectionStrings__Presence"] = database.ConnectionString;
        // Each process is a one-silo cluster (localhost clustering) on its own silo and gateway ports, under its own
        // cluster id so that two silos of one test never see each other; the service id (which keys grain state and
        // reminders in the database) is the default, shared by every silo on the database.
        start.Environment["Presence__Cluster__Provider"] = "Localhost";
        start.Environment["Presence__Cluster__ClusterId"] = $"{name.ToLowerInvariant()}-{port.ToString(CultureInfo.InvariantCulture)}";
        start.Environment["Presence__Cluster__SiloPort"] = TestPorts.Next().ToString(CultureInfo.InvariantCulture);
        start.Environment["Presence__Cluster__GatewayPort"] = TestPorts.Next().ToString(CultureInfo.InvariantCulture);
        // One line per entry, with a timestamp, so a failing test's output reads as a timeline.
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        start.Environment["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ";
        start.Environment["Logging__Console__FormatterOptions__ColorBehavior"] = "Disabled";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var silo = new SiloProcess(process, name, port, database, settings, output);
        process.OutputDataReceived += (_, e) => silo.Append(e.Data);
        process.ErrorDataReceived += (_, e) => silo.Append(e.Data);
        if (!process.Start())
            throw new InvalidOperationException($"Could not start {start.FileName} {assembly}.");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    private async Task WaitForHealthAsync(string path)
    {
        var clock = Stopwatch.StartNew();
        await Eventually.TrueAsync(
            async () =>
            {
                if (_process.HasExited)
                    throw new SiloExitedException($"The silo exited with code {_process.ExitCode} before {path} answered 200:\n{Log}");
                return await StatusOfAsync(path) == HttpStatusCode.OK;
            },
            StartTimeout,
            $"{path} of silo {Name} on port {Port} did not answer 200");
        StartupTime = clock.Elapsed;
    }

    /// <summary>The status code of a GET, or null when the silo does not answer at all.</summary>
    public async Task<HttpStatusCode?> StatusOfAsync(string path)
    {
        try
        {
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            using var response = await Http.GetAsync(path, cancel.Token);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>SIGKILL (<c>kill -9</c>): the process dies at once, as in a crash; nothing is flushed or deactivated.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            // On Linux this is SIGKILL.
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
        _output.WriteLine($"[{Name}] killed with SIGKILL");
    }

    /// <summary>SIGTERM, as Kubernetes stops a pod; waits for the exit and returns its code and how long it took.</summary>
    public async Task<(int ExitCode, TimeSpan Elapsed)> TerminateAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("Could not run kill."))
        {
            await kill.WaitForExitAsync();
            if (kill.ExitCode != 0)
                throw new InvalidOperationException($"kill -TERM {_process.Id} exited with {kill.ExitCode}.");
        }
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Silo {Name} did not exit within {timeout.TotalSeconds:0} s of SIGTERM:\n{Log}");
        }
        _output.WriteLine($"[{Name}] exited with code {_process.ExitCode} {clock.ElapsedMilliseconds} ms after SIGTERM");
        return (_process.ExitCode, clock.Elapsed);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It exited meanwhile.
            }
        }
        await _process.WaitForExitAsync();
        Http.Dispose();
        _process.Dispose();
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

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_log)
            _log.Append(line).Append('\n');
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

    /// <summary>The <c>dotnet</c> that runs these tests (the SDK sets DOTNET_HOST_PATH for its children).</summary>
    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
            return host;
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet")
            return self;
        return "dotnet";
    }

    private sealed class SiloExitedException(string message) : Exception(message);
}
