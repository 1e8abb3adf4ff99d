using System.Globalization;
using System.Net;
using System.Reflection;

namespace Presence.WebSdk.Tests;

/// <summary>
/// What the SDK's tests share: the package installed (<c>npm ci</c> when <c>clients/web/node_modules</c> is missing),
/// one real silo process (Development, in-memory storage, the dev app <c>demo/demo</c>) and a control endpoint through
/// which the node tests have the silo killed (SIGKILL) and started again on the same port.
/// </summary>
public sealed class WebSdkFixture : IAsyncLifetime
{
    public const string Org = "demo";
    public const string App = "demo";
    public const string ClientId = "demo-client";
    public const string ClientSecret = "demo-secret";

    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    public static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);

    private readonly SemaphoreSlim _restart = new(1, 1);
    private readonly List<Func<string>> _logs = [];
    private HttpListener? _control;
    private Task? _controlLoop;
    private int _port;

    public ServiceProcess Silo { get; private set; } = null!;

    /// <summary><c>clients/web</c> of this checkout.</summary>
    public string SdkDirectory => SdkPath;

    private static string SdkPath { get; } = Metadata("WebSdkDirectory");

    public string ControlUrl { get; private set; } = null!;

    /// <summary>The last lines of every silo started, for a failing test's output.</summary>
    public string SiloLogs => string.Join("\n", _logs.Select(log => log()));

    public async Task InitializeAsync()
    {
        await EnsureInstalledAsync();
        _port = TestPorts.Next();
        Silo = await StartSiloAsync();
        StartControl();
    }

    public async Task DisposeAsync()
    {
        _control?.Close();
        if (_controlLoop is not null)
            await _controlLoop;
        if (Silo is not null)
            await Silo.DisposeAsync();
    }

    /// <summary>Environment for <c>node --test</c>: where the silo is, the dev app, the control endpoint.</summary>
    public Dictionary<string, string> NodeEnvironment() => new()
    {
        ["PRESENCE_URL"] = $"http://127.0.0.1:{_port.ToString(CultureInfo.InvariantCulture)}",
        ["PRESENCE_ORG"] = Org,
        ["PRESENCE_APP"] = App,
        ["PRESENCE_CLIENT_ID"] = ClientId,
        ["PRESENCE_CLIENT_SECRET"] = ClientSecret,
        ["PRESENCE_CONTROL_URL"] = ControlUrl,
    };

    /// <summary><c>npm ci</c> when the package's dev dependencies (typescript, esbuild) are not installed yet.</summary>
    private static async Task EnsureInstalledAsync()
    {
        if (Directory.Exists(Path.Combine(SdkPath, "node_modules", "esbuild")) &&
            Directory.Exists(Path.Combine(SdkPath, "node_modules", "typescript")))
            return;
        var run = await NodeRun.RunAsync("npm", ["ci", "--no-audit", "--no-fund"], SdkPath, InstallTimeout);
        if (run.ExitCode != 0)
            throw new InvalidOperationException($"npm ci in {SdkPath} exited with {run.ExitCode}:\n{run.Output}");
    }

    /// <summary>SIGKILL, then a new silo on the same port (its memory, and so every state and subscription, is gone).</summary>
    public async Task RestartSiloAsync()
    {
        await _restart.WaitAsync();
        try
        {
            await Silo.KillAsync();
            Silo = await StartSiloAsync();
        }
        finally
        {
            _restart.Release();
        }
    }

    private async Task<ServiceProcess> StartSiloAsync()
    {
        var logDirectory = Path.Combine(AppContext.BaseDirectory, "logs");
        Directory.CreateDirectory(logDirectory);
        // The port may be in use for a moment (a socket of the killed silo, another process): try a few times.
        for (var attempt = 1; ; attempt++)
        {
            var silo = ServiceProcess.Launch("silo", SiloAssembly, _port, SiloEnvironment(),
                Path.Combine(logDirectory, $"silo-{_port.ToString(CultureInfo.InvariantCulture)}.log"));
            try
            {
                await silo.WaitForHealthAsync("/health/ready", StartTimeout);
                _logs.Add(() => silo.Tail(80));
                return silo;
            }
            catch (ServiceExitedException) when (attempt < 5 && silo.Log.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                await silo.DisposeAsync();
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
            catch
            {
                await silo.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>POST /restart: kill and start the silo again, answering 200 once it is ready (500 with the reason if not).</summary>
    private void StartControl()
    {
        var port = TestPorts.Next();
        ControlUrl = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        _control = new HttpListener();
        _control.Prefixes.Add($"{ControlUrl}/");
        _control.Start();
        _controlLoop = Task.Run(async () =>
        {
            while (_control.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _control.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }
                await AnswerAsync(context);
            }
        });
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var (status, text) = (404, "POST /restart is the only route");
        if (context.Request.HttpMethod == "POST" && context.Request.Url?.AbsolutePath == "/restart")
        {
            try
            {
                await RestartSiloAsync();
                (status, text) = (200, "restarted");
            }
            catch (Exception e)
            {
                (status, text) = (500, e.ToString());
            }
        }
        context.Response.StatusCode = status;
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }

    private static Dictionary<string, string> SiloEnvironment() => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Development",
        ["DOTNET_ENVIRONMENT"] = "Development",
        ["Presence:Storage:Provider"] = "Memory",
        // A one-silo cluster of its own, on free Orleans ports (new ones at each start).
        ["Presence:Cluster:Provider"] = "Localhost",
        ["Presence:Cluster:ClusterId"] = $"websdk-{Guid.NewGuid().ToString("N")[..8]}",
        ["Presence:Cluster:SiloPort"] = TestPorts.Next().ToString(CultureInfo.InvariantCulture),
        ["Presence:Cluster:GatewayPort"] = TestPorts.Next().ToString(CultureInfo.InvariantCulture),
        ["Presence:Admin:Dashboard"] = "false",
        ["Logging:LogLevel:Polly"] = "Warning",
        ["Logging:LogLevel:Orleans"] = "Warning",
        ["Logging:Console:FormatterName"] = "simple",
        ["Logging:Console:FormatterOptions:SingleLine"] = "true",
        ["Logging:Console:FormatterOptions:ColorBehavior"] = "Disabled",
    };

    private static string SiloAssembly { get; } = Metadata("SiloAssemblyPath");

    private static string Metadata(string key) =>
        typeof(WebSdkFixture).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"This assembly was built without the {key} metadata (see the .csproj).");
}
