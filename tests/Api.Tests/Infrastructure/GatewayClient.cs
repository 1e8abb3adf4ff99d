using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Presence.Api.Tests;

/// <summary>Speaks the gateway's REST API for one app; every call returns the raw response.</summary>
public sealed class GatewayClient(HttpClient http, string org, string app)
{
    public const string DevClientId = "demo-client";
    public const string DevClientSecret = "demo-secret";

    public HttpClient Http { get; } = http;

    public string Prefix { get; } = $"/{org}/{app}";

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token = null, string? body = null, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(method, path.StartsWith('/') ? path : $"{Prefix}/{path}");
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
            request.Content = new StringContent(body, Encoding.UTF8, MediaTypeHeaderValue.Parse(contentType));
        return Http.SendAsync(request);
    }

    public Task<HttpResponseMessage> RequestTokenAsync(string body, string? token = null) =>
        SendAsync(HttpMethod.Post, "token", token, body);

    public async Task<string> AppTokenAsync(string clientId = DevClientId, string clientSecret = DevClientSecret, long? ttl = null)
    {
        var ttlField = ttl is null ? "" : $",\"ttl\":{ttl}";
        using var response = await RequestTokenAsync($"{{\"grant_type\":\"client_credentials\",\"client_id\":\"{clientId}\",\"client_secret\":\"{clientSecret}\"{ttlField}}}");
        var json = await Api.ReadJsonAsync(response, HttpStatusCode.OK);
        return json.GetProperty("access_token").GetString()!;
    }

    public async Task<string> UserTokenAsync(string appToken, string username, long? ttl = null)
    {
        var ttlField = ttl is null ? "" : $",\"ttl\":{ttl}";
        using var response = await RequestTokenAsync($"{{\"grant_type\":\"inherit\",\"username\":\"{username}\"{ttlField}}}", appToken);
        var json = await Api.ReadJsonAsync(response, HttpStatusCode.OK);
        return json.GetProperty("access_token").GetString()!;
    }

    /// <summary>R1.</summary>
    public Task<HttpResponseMessage> SetPresenceAsync(string token, string username, string resource, string status, string ext = "") =>
        SendAsync(HttpMethod.Post, $"users/{username}/presence/{resource}/{status}", token, JsonSerializer.Serialize(new Dictionary<string, string> { ["ext"] = ext }));

    /// <summary>R2.</summary>
    public Task<HttpResponseMessage> SubscribeAsync(string token, string username, int expiry, params string[] targets) =>
        SendAsync(HttpMethod.Post, $"users/{username}/presence/{expiry}", token, UsernamesBody(targets));

    /// <summary>R3.</summary>
    public Task<HttpResponseMessage> GetPresenceAsync(string token, string username, params string[] targets) =>
        SendAsync(HttpMethod.Post, $"users/{username}/presence", token, UsernamesBody(targets));

    /// <summary>R4 with a bare array.</summary>
    public Task<HttpResponseMessage> UnsubscribeAsync(string token, string username, params string[] targets) =>
        SendAsync(HttpMethod.Delete, $"users/{username}/presence", token, JsonSerializer.Serialize(targets));

    /// <summary>R5.</summary>
    public Task<HttpResponseMessage> GetSubscriptionsAsync(string token, string username, string query = "") =>
        SendAsync(HttpMethod.Get, $"users/{username}/presence/sublist{query}", token);

    public static string UsernamesBody(IEnumerable<string> names) =>
        JsonSerializer.Serialize(new Dictionary<string, IEnumerable<string>> { ["usernames"] = names });
}
