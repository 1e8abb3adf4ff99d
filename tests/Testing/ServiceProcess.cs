using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;

namespace Presence.Testing;

/// <summary>
/// A .NET service (<c>dotnet Some.dll --urls http://127.0.0.1:port</c>) as a child process of the test run, stopped the
/// way production stops it: <see cref="KillAsync"/> is SIGKILL (a crash), <see cref="TerminateAsync"/> SIGTERM (a graceful
/// stop). Every line it writes is kept, with the time it arrived, in memory and in <see cref="LogFile"/> (left behind for a
/// post-mortem). It knows nothing of xunit: callers pass their own output.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private const int SigKill = 9;
    private const int SigTerm = 15;

    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly StreamWriter? _logWriter;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServiceProcess(Process process, string name, int port, string? logFile)
    {
        _process = process;
        Name = name;
        Port = port;
        LogFile = logFile;
        if (logFile is not null)
            _logWriter = new StreamWriter(new FileStream(logFile, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        BaseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
    }

    /// <summary>A label for logs ("silo-2", "gateway-a").</summary>
    public string Name { get; }

    /// <summary>The HTTP port it listens on.</summary>
    public int Port { get; }

    public Uri BaseAddress { get; }

    /// <summary>Where its output is copied, if anywhere.</summary>
    public string? LogFile { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _exited.Task.IsCompleted;

    /// <summary>Completes with the exit code when the process exits, however it exits.</summary>
    public Task<int> Exited => _exited.Task;

    /// <summary>Everything the process wrote to stdout and stderr so far, each line prefixed by the time it arrived.</summary>
    public string Log
    {
        get
        {
            lock (_log)
                return _log.ToString();
        }
    }

    /// <summary>The last <paramref name="lines"/> lines of <see cref="Log"/>.</summary>
    public string Tail(int lines = 60)
    {
        var all = Log.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }

    /// <summary>
    /// Starts <c>dotnet <paramref name="assembly"/> --urls http://127.0.0.1:<paramref name="port"/></c> in the assembly's
    /// directory (its content root) with <paramref name="environment"/> added to this process's environment.
    /// Keys may be written with <c>:</c>; they are passed as <c>__</c>.
    /// </summary>
    public static ServiceProcess Launch(
        string name, string assembly, int port, IReadOnlyDictionary<string, string> environment, string? logFile = null)
    {
        if (!File.Exists(assembly))
            throw new InvalidOperationException($"{assembly} is not built: build the solution (dotnet build Presence.Orleans.sln).");
        var start = new ProcessStartInfo
        {
            FileName = DotnetHost(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
        };
        start.ArgumentList.Add(assembly);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        foreach (var (key, value) in environment)
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var service = new ServiceProcess(process, name, port, logFile);
        process.OutputDataReceived += (_, e) => service.Append(e.Data);
        process.ErrorDataReceived += (_, e) => service.Append(e.Data);
        process.Exited += (_, _) => service.OnExited();
        if (!process.Start())
            throw new InvalidOperationException($"Could not start {start.FileName} {assembly}.");
        service.Append($"[test] started pid {process.Id.ToString(CultureInfo.InvariantCulture)}: {assembly} on port {port.ToString(CultureInfo.InvariantCulture)}");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return service;
    }

    /// <summary>
    /// Waits until GET <paramref name="path"/> answers 200; throws <see cref="ServiceExitedException"/> if the process
    /// exits first, <see cref="TimeoutException"/> past <paramref name="timeout"/>. Returns how long it took.
    /// </summary>
    public async Task<TimeSpan> WaitForHealthAsync(string path, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.TrueAsync(
            async () =>
            {
                if (HasExited)
                    throw new ServiceExitedException(Name, await Exited, Tail(120));
                return await StatusOfAsync(http, path) == HttpStatusCode.OK;
            },
            timeout,
            $"{path} of {Name} (port {Port}) did not answer 200; last output:\n{Tail(40)}");
        return clock.Elapsed;
    }

    /// <summary>The status code of a GET, or null when nothing answers (refused, reset, timed out).</summary>
    public static async Task<HttpStatusCode?> StatusOfAsync(HttpClient http, string path)
    {
        try
        {
            using var response = await http.GetAsync(path);
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

    /// <summary>
    /// SIGKILL (<c>kill -9</c>): the process dies at once; nothing is flushed, deactivated or closed cleanly. Returns the
    /// <see cref="Stopwatch"/> timestamp right after the signal was sent (the instant of death, for failover figures).
    /// </summary>
    public async Task<long> KillAsync()
    {
        var killedAt = Stopwatch.GetTimestamp();
        if (!HasExited)
        {
            Append("[test] SIGKILL");
            // The signal itself, not Process.Kill: that enumerates the process tree first, which takes a while on a busy machine.
            if (SendSignal(_process.Id, SigKill) != 0 && !HasExited)
                throw new InvalidOperationException($"kill({_process.Id}, SIGKILL) failed with errno {Marshal.GetLastPInvokeError()}.");
            killedAt = Stopwatch.GetTimestamp();
        }
        await _process.WaitForExitAsync();
        return killedAt;
    }

    /// <summary>SIGTERM, as Kubernetes stops a pod; waits for the exit and returns its code and how long it took.</summary>
    public async Task<(int ExitCode, TimeSpan Elapsed)> TerminateAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        if (!HasExited)
        {
            Append("[test] SIGTERM");
            if (SendSignal(_process.Id, SigTerm) != 0)
                throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed with errno {Marshal.GetLastPInvokeError()}.");
        }
        try
        {
            var code = await Exited.WaitAsync(timeout);
            return (code, clock.Elapsed);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Name} did not exit within {timeout.TotalSeconds:0} s of SIGTERM; last output:\n{Tail(60)}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        await Exited;
        _process.Dispose();
        lock (_log)
            _logWriter?.Dispose();
    }

    private void OnExited()
    {
        int code;
        try
        {
            // Wait until the redirected streams are drained, so the log is complete when Exited completes.
            _process.WaitForExit();
            code = _process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            code = -1;
        }
        Append($"[test] exited with code {code.ToString(CultureInfo.InvariantCulture)}");
        _exited.TrySetResult(code);
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        var stamped = $"{DateTime.Now:HH:mm:ss.fff} {line}";
        lock (_log)
        {
            _log.Append(stamped).Append('\n');
            try
            {
                _logWriter?.WriteLine(stamped);
            }
            catch (ObjectDisposedException)
            {
            }
        }
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

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
