using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Presence.Api.Tests;

/// <summary>
/// The whole silo on Kestrel over loopback TCP, not on the in-memory TestServer: its WebSockets have no
/// ping/pong, no TCP and no back-pressure, so heartbeats, lost connections and stalled readers could not be
/// tested for real. Same fake clock as <see cref="GatewayFactory"/>: grain timers (coalescing, grace, expiry)
/// and token expiry move only when a test advances it; keep-alives and close timeouts run on real time.
/// </summary>
public class SocketGatewayFactory : GatewayFactory
{
    public const string Org = "demo";
    public const string App = "demo";

    private readonly Lazy<Uri> _address;
    private readonly SemaphoreSlim _tokenLock = new(1, 1);
    private string? _appToken;

    public SocketGatewayFactory()
    {
        UseKestrel(options =>
        {
            options.Listen(IPAddress.Loopback, 0); // a free port: factories run side by side
            ConfigureKestrel(options);
        });
        _address = new(() =>
        {
            StartServer();
            var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
            return new Uri(addresses.First());
        });
    }

    public CapturingLoggerProvider Logs { get; } = new();

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Presence:RateLimits:PermitLimit"] = "1000000",
        ["Presence:Limits:CoalescingWindow"] = "00:00:00",
        // Long enough never to fire on their own in a test; heartbeat tests use their own factory.
        ["Presence:WebSocket:KeepAliveInterval"] = "00:10:00",
        ["Presence:WebSocket:KeepAliveTimeout"] = "00:10:00",
        ["Presence:WebSocket:CloseTimeout"] = "00:00:01",
        ["Presence:Apps:0:Org"] = Org,
        ["Presence:Apps:0:App"] = App,
        ["Presence:Apps:0:ClientId"] = GatewayClient.DevClientId,
        ["Presence:Apps:0:ClientSecret"] = GatewayClient.DevClientSecret,
        ["Presence:Apps:1:Org"] = Org,
        ["Presence:Apps:1:App"] = "other",
        ["Presence:Apps:1:ClientId"] = "other-client",
        ["Presence:Apps:1:ClientSecret"] = "other-secret",
    };

    protected virtual void ConfigureKestrel(KestrelServerOptions options)
    {
    }

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(Logs);

    /// <summary>http://127.0.0.1:{port} of the started server.</summary>
    public Uri Address => _address.Value;

    public GatewayClient Rest(string app = App) => new(new HttpClient { BaseAddress = Address }, Org, app);

    public async Task<string> AppTokenAsync()
    {
        await _tokenLock.WaitAsync();
        try
        {
            return _appToken ??= await Rest().AppTokenAsync();
        }
        finally
        {
            _tokenLock.Release();
        }
    }

    public async Task<string> UserTokenAsync(string username, long? ttl = null) => await Rest().UserTokenAsync(await AppTokenAsync(), username, ttl);

    public Uri SocketUri(string query, string app = App) =>
        new UriBuilder(Address) { Scheme = "ws", Path = $"/{Org}/{app}/ws", Query = query }.Uri;

    /// <summary>Connects <paramref name="username"/>'s device <paramref name="resource"/> with a fresh user token.</summary>
    public async Task<SocketClient> ConnectAsync(string username, string resource, bool read = true, int? receiveBufferSize = null) =>
        await SocketClient.ConnectAsync(SocketUri($"resource={resource}"), await UserTokenAsync(username), read, receiveBufferSize);

    /// <summary>A plain HTTP GET of the WebSocket route (to read the error body of a refused upgrade).</summary>
    public async Task<HttpResponseMessage> GetSocketRouteAsync(string query, string? bearer = null, string app = App)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, SocketUri(query, app).PathAndQuery);
        if (bearer is not null)
            request.Headers.Authorization = new("Bearer", bearer);
        return await Rest(app).Http.SendAsync(request);
    }

    /// <summary>The HTTP status a real WebSocket client got when its upgrade was refused.</summary>
    public static async Task<HttpStatusCode> RefusedUpgradeStatusAsync(Uri uri, string? bearer)
    {
        using var socket = new System.Net.WebSockets.ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (bearer is not null)
            socket.Options.SetRequestHeader("Authorization", $"Bearer {bearer}");
        await Assert.ThrowsAsync<System.Net.WebSockets.WebSocketException>(() => socket.ConnectAsync(uri, CancellationToken.None));
        return socket.HttpStatusCode;
    }

    public async Task SetPresenceAsync(string username, string resource, string status, string ext = "")
    {
        using var response = await Rest().SetPresenceAsync(await AppTokenAsync(), username, resource, status, ext);
        await Api.AssertOkResultAsync(response);
    }

    public async Task SubscribeAsync(string username, int expiry, params string[] targets)
    {
        using var response = await Rest().SubscribeAsync(await AppTokenAsync(), username, expiry, targets);
        await Api.ReadJsonAsync(response, HttpStatusCode.OK);
    }

    /// <summary>R3 of one user, as the JSON object of the result.</summary>
    public async Task<System.Text.Json.JsonElement> PresenceAsync(string username)
    {
        using var response = await Rest().GetPresenceAsync(await AppTokenAsync(), "viewer", username);
        return (await Api.ReadJsonAsync(response, HttpStatusCode.OK)).GetProperty("result")[0];
    }

    /// <summary>Polls R3 until <paramref name="username"/>'s <paramref name="resource"/> has <paramref name="status"/>; returns that presence.</summary>
    public async Task<System.Text.Json.JsonElement> WaitForStatusAsync(string username, string resource, string status)
    {
        System.Text.Json.JsonElement presence = default;
        await Eventually.TrueAsync(
            async () => Api.StatusMap(presence = await PresenceAsync(username)).GetValueOrDefault(resource) == status,
            because: $"{username}/{resource} to be \"{status}\"");
        return presence;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _tokenLock.Dispose();
        base.Dispose(disposing);
    }
}
