using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;

namespace Presence.Console.Tests;

/// <summary>
/// One real silo process (<c>dotnet Presence.Silo.dll</c>, Development, in-memory storage, the dev app
/// <c>demo/demo</c>, the admin credential set) and one headless Debian Chromium driven by Playwright, shared by the
/// tests of a class. Each test opens its own browser context (1280×800), so nothing of one sign-in leaks into another.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    public const string Org = "demo";
    public const string App = "demo";
    public const string ClientId = "demo-client";
    public const string ClientSecret = "demo-secret";
    public const string AdminUsername = "admin";
    public const string AdminPassword = "admin-secret";

    /// <summary>Debian's Chromium (<c>apt-get install chromium</c>); Playwright's own browsers are never installed.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private static readonly Lazy<string> SiloAssembly = new(FindSiloAssembly);
    private string? _appToken;

    public ServiceProcess Silo { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public IPlaywright Playwright { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>How long the silo took to answer <c>/health/ready</c>.</summary>
    public TimeSpan SiloStartup { get; private set; }

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing: apt-get update && apt-get install -y chromium.");
        Silo = await StartSiloAsync();
        Http = new HttpClient { BaseAddress = Silo.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.DisposeAsync();
        Playwright?.Dispose();
        Http?.Dispose();
        if (Silo is not null)
            await Silo.DisposeAsync();
    }

    /// <summary>A fresh context (no shared memory with other tests) at 1280×800, its page at the console's origin.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            BaseURL = Silo.BaseAddress.ToString(),
            Locale = "en-US",
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    /// <summary>An app token of the dev app (client credentials), fetched once.</summary>
    public async Task<string> AppTokenAsync()
    {
        if (_appToken is not null)
            return _appToken;
        using var response = await Http.PostAsJsonAsync($"{Org}/{App}/token",
            new JsonObject { ["grant_type"] = "client_credentials", ["client_id"] = ClientId, ["client_secret"] = ClientSecret });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"token: {(int)response.StatusCode} {body}");
        return _appToken = JsonNode.Parse(body)!["access_token"]!.GetValue<string>();
    }

    /// <summary>R1 with the app token, asserting 200.</summary>
    public async Task SetStatusAsync(string username, string resource, string status, string ext)
    {
        using var response = await SendAsync(HttpMethod.Post, $"users/{username}/presence/{resource}/{status}", new JsonObject { ["ext"] = ext });
        Assert.True(response.IsSuccessStatusCode, $"R1 {username}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>R2 with the app token, asserting 200.</summary>
    public async Task SubscribeAsync(string username, int expirySeconds, params string[] targets)
    {
        var names = new JsonArray(targets.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray());
        using var response = await SendAsync(HttpMethod.Post,
            $"users/{username}/presence/{expirySeconds.ToString(CultureInfo.InvariantCulture)}", new JsonObject { ["usernames"] = names });
        Assert.True(response.IsSuccessStatusCode, $"R2 {username}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>A device online: a WebSocket of <paramref name="username"/> (user token by inherit) on <paramref name="resource"/>.</summary>
    public async Task<Device> ConnectDeviceAsync(string username, string resource)
    {
        using var response = await SendAsync(HttpMethod.Post, "token", new JsonObject { ["grant_type"] = "inherit", ["username"] = username, ["ttl"] = 3600 });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"user token {username}: {(int)response.StatusCode} {body}");
        var token = JsonNode.Parse(body)!["access_token"]!.GetValue<string>();
        var socket = new ClientWebSocket();
        var uri = new Uri($"ws://127.0.0.1:{Silo.Port.ToString(CultureInfo.InvariantCulture)}/{Org}/{App}/ws" +
                          $"?resource={Uri.EscapeDataString(resource)}&access_token={Uri.EscapeDataString(token)}");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await socket.ConnectAsync(uri, timeout.Token);
        return new Device(socket);
    }

    /// <summary>An open WebSocket; disposing it closes it cleanly (the resource goes offline).</summary>
    public sealed class Device(ClientWebSocket socket) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
            }
            socket.Dispose();
        }
    }

    /// <summary>Whether <c>GET /admin/cluster</c> answers 200 to the admin credential (the admin routes are built separately).</summary>
    public async Task<bool> ClusterViewAvailableAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "admin/cluster");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AdminUsername}:{AdminPassword}")));
        try
        {
            using var response = await Http.SendAsync(request);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, JsonNode body)
    {
        var request = new HttpRequestMessage(method, $"{Org}/{App}/{path}") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await AppTokenAsync());
        return await Http.SendAsync(request);
    }

    private async Task<ServiceProcess> StartSiloAsync()
    {
        var logDirectory = Path.Combine(AppContext.BaseDirectory, "logs");
        Directory.CreateDirectory(logDirectory);
        // Another process may take the free port between probing and Kestrel binding it: try a few.
        for (var attempt = 1; ; attempt++)
        {
            var port = TestPorts.Next();
            var silo = ServiceProcess.Launch("silo", SiloAssembly.Value, port, SiloEnvironment(port),
                Path.Combine(logDirectory, $"silo-{port.ToString(CultureInfo.InvariantCulture)}.log"));
            try
            {
                SiloStartup = await silo.WaitForHealthAsync("/health/ready", StartTimeout);
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

    private static Dictionary<string, string> SiloEnvironment(int port) => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Development",
        ["DOTNET_ENVIRONMENT"] = "Development",
        ["Presence:Storage:Provider"] = "Memory",
        // A one-silo cluster of its own, on free Orleans ports.
        ["Presence:Cluster:Provider"] = "Localhost",
        ["Presence:Cluster:ClusterId"] = $"console-{port.ToString(CultureInfo.InvariantCulture)}",
        ["Presence:Cluster:SiloPort"] = TestPorts.Next().ToString(CultureInfo.InvariantCulture),
        ["Presence:Cluster:GatewayPort"] = TestPorts.Next().ToString(CultureInfo.InvariantCulture),
        ["Presence:Admin:Username"] = AdminUsername,
        ["Presence:Admin:Password"] = AdminPassword,
        ["Logging:LogLevel:Polly"] = "Warning",
        ["Logging:LogLevel:Orleans"] = "Warning",
        ["Logging:Console:FormatterName"] = "simple",
        ["Logging:Console:FormatterOptions:SingleLine"] = "true",
        ["Logging:Console:FormatterOptions:ColorBehavior"] = "Disabled",
    };

    private static string FindSiloAssembly()
    {
        var path = typeof(ConsoleFixture).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == "SiloAssemblyPath")?.Value
            ?? throw new InvalidOperationException("This assembly was built without the SiloAssemblyPath metadata (see the .csproj).");
        return path;
    }
}
