using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Presence.Bench;

/// <summary>The few REST calls the load generators make, on one pooled HTTP/1.1 client to the loopback silo.</summary>
internal sealed class PresenceRest : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly HttpClient _http;

    public PresenceRest(string baseUrl, string org, string app, int maxConnections)
    {
        var uri = new Uri(baseUrl);
        if (!IPAddress.TryParse(uri.Host, out var address) || !IPAddress.IsLoopback(address))
            throw new ArgumentException($"The benchmarks only load a loopback address, not {uri.Host}.", nameof(baseUrl));
        BaseUrl = baseUrl.TrimEnd('/');
        Prefix = $"/{org}/{app}";
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            UseProxy = false,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        })
        {
            BaseAddress = new Uri(BaseUrl),
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    public string BaseUrl { get; }

    public string Prefix { get; }

    public async Task<string> AppTokenAsync(string clientId, string clientSecret)
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, object> { ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = clientSecret, ["ttl"] = 86400 });
        return await TokenAsync(body, null);
    }

    public Task<string> UserTokenAsync(string appToken, string username) =>
        TokenAsync(JsonSerializer.Serialize(new Dictionary<string, object> { ["grant_type"] = "inherit", ["username"] = username, ["ttl"] = 86400 }), appToken);

    /// <summary>R1.</summary>
    public Task<int> SetStatusAsync(string token, string username, string resource, string status, string ext, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"{Prefix}/users/{username}/presence/{resource}/{status}", token, JsonSerializer.Serialize(new Dictionary<string, string> { ["ext"] = ext }), cancellationToken);

    /// <summary>R2.</summary>
    public Task<int> SubscribeAsync(string token, string username, int expirySeconds, IEnumerable<string> targets, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"{Prefix}/users/{username}/presence/{expirySeconds}", token, JsonSerializer.Serialize(new Dictionary<string, IEnumerable<string>> { ["usernames"] = targets }), cancellationToken);

    /// <summary>Any call; returns the status and drains the body.</summary>
    public async Task<int> SendAsync(HttpMethod method, string path, string? token, string? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
            request.Content = new StringContent(body, Encoding.UTF8, Json);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        return (int)response.StatusCode;
    }

    /// <summary>A bench route (<c>/bench/…</c>) with the operator credential (Development's default unless BENCH_ADMIN="user:password").</summary>
    public async Task<int> AdminPostAsync(string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(
            Environment.GetEnvironmentVariable("BENCH_ADMIN") is { Length: > 0 } admin ? admin : "admin:admin-secret")));
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        return (int)response.StatusCode;
    }

    public async Task<(int Status, string Body)> GetAsync(string path, string? token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _http.SendAsync(request, cancellationToken);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    private async Task<string> TokenAsync(string body, string? bearer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Prefix}/token") { Content = new StringContent(body, Encoding.UTF8, Json) };
        if (bearer is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"POST {Prefix}/token answered {(int)response.StatusCode}: {text}");
        using var json = JsonDocument.Parse(text);
        return json.RootElement.GetProperty("access_token").GetString()!;
    }

    public void Dispose() => _http.Dispose();
}
