using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Presence.Cluster.Tests;

/// <summary>
/// The REST API of one process as the dev app <c>demo/demo</c>. Requests never throw: they return a <see cref="RestOutcome"/>,
/// so load loops can count 503s, 500s and hangs; every request has the client deadline <see cref="RequestTimeout"/>.
/// Tokens are signed with the app's key, so one app token serves every process of the cluster.
/// </summary>
public sealed class PresenceRest : IDisposable
{
    public const string Org = "demo";
    public const string App = "demo";
    private const string ClientId = "demo-client";
    private const string ClientSecret = "demo-secret";

    /// <summary>No request may hang past this: a timeout counts as a hang, not as a 503.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(15);

    private readonly HttpClient _http;
    private readonly AppToken _token;

    public PresenceRest(Uri baseAddress, AppToken token)
    {
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
        {
            BaseAddress = baseAddress,
            Timeout = Timeout.InfiniteTimeSpan, // per request, below
        };
        _token = token;
    }

    /// <summary>R1: sets <paramref name="resource"/> of <paramref name="username"/> to <paramref name="status"/>, and the user's ext.</summary>
    public Task<RestOutcome> SetPresenceAsync(string username, string resource, string status, string ext) =>
        SendAsync(HttpMethod.Post, $"{Org}/{App}/users/{username}/presence/{resource}/{status}", new JsonObject { ["ext"] = ext });

    /// <summary>R3: the presence of each of <paramref name="usernames"/> (1–100), asked by a bystander.</summary>
    public Task<RestOutcome> GetPresenceAsync(IEnumerable<string> usernames) =>
        SendAsync(HttpMethod.Post, $"{Org}/{App}/users/bystander/presence", new JsonObject { ["usernames"] = Names(usernames) });

    /// <summary>R2: <paramref name="username"/> subscribes to <paramref name="targets"/> for <paramref name="expiry"/> seconds.</summary>
    public Task<RestOutcome> SubscribeAsync(string username, IEnumerable<string> targets, int expiry) =>
        SendAsync(HttpMethod.Post, $"{Org}/{App}/users/{username}/presence/{expiry}", new JsonObject { ["usernames"] = Names(targets) });

    /// <summary>R5: the first page of <paramref name="username"/>'s subscriptions.</summary>
    public Task<RestOutcome> GetSubscriptionsAsync(string username) =>
        SendAsync(HttpMethod.Get, $"{Org}/{App}/users/{username}/presence/sublist?pageNum=1&pageSize=100", null);

    /// <summary>R1, asserting a 200.</summary>
    public async Task SetPresenceOkAsync(string username, string resource, string status, string ext)
    {
        var outcome = await SetPresenceAsync(username, resource, status, ext);
        Assert.True(outcome.IsOk, outcome.ToString());
    }

    /// <summary>R3, asserting a 200; uid → presence.</summary>
    public async Task<IReadOnlyDictionary<string, UserPresence>> GetPresenceOkAsync(IEnumerable<string> usernames)
    {
        var names = usernames.ToList();
        var result = new Dictionary<string, UserPresence>(StringComparer.Ordinal);
        foreach (var chunk in names.Chunk(100))
        {
            var outcome = await GetPresenceAsync(chunk);
            Assert.True(outcome.IsOk, outcome.ToString());
            foreach (var presence in ParsePresences(outcome))
                result[presence.Uid] = presence;
        }
        return result;
    }

    public static IEnumerable<UserPresence> ParsePresences(RestOutcome outcome) =>
        JsonNode.Parse(outcome.Body)!["result"]!.AsArray().Select(item => UserPresence.Parse(item!));

    /// <summary>A user token (grant <c>inherit</c>), as a device holds for its WebSocket.</summary>
    public async Task<string> UserTokenAsync(string username)
    {
        var outcome = await SendAsync(HttpMethod.Post, $"{Org}/{App}/token", new JsonObject { ["grant_type"] = "inherit", ["username"] = username });
        Assert.True(outcome.IsOk, outcome.ToString());
        return JsonNode.Parse(outcome.Body)!["access_token"]!.GetValue<string>();
    }

    /// <summary>The app token request (grant <c>client_credentials</c> of the dev app).</summary>
    public async Task<string> IssueAppTokenAsync()
    {
        using var cancel = new CancellationTokenSource(RequestTimeout);
        using var response = await _http.PostAsJsonAsync($"{Org}/{App}/token", new JsonObject
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = ClientId,
            ["client_secret"] = ClientSecret,
        }, cancel.Token);
        var text = await response.Content.ReadAsStringAsync(cancel.Token);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"The app token request answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!["access_token"]!.GetValue<string>();
    }

    private async Task<RestOutcome> SendAsync(HttpMethod method, string path, JsonNode? body)
    {
        var describe = $"{method} {_http.BaseAddress!.Port}/{path}";
        var token = await _token.GetAsync(this);
        var startedAt = Stopwatch.GetTimestamp();
        using var cancel = new CancellationTokenSource(RequestTimeout);
        try
        {
            using var request = new HttpRequestMessage(method, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (body is not null)
                request.Content = JsonContent.Create(body);
            using var response = await _http.SendAsync(request, cancel.Token);
            var text = await response.Content.ReadAsStringAsync(cancel.Token);
            return new RestOutcome(describe, (int)response.StatusCode, text, null, false, startedAt, Stopwatch.GetTimestamp());
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return new RestOutcome(describe, null, "", $"no answer within {RequestTimeout.TotalSeconds:0} s", true, startedAt, Stopwatch.GetTimestamp());
        }
        catch (HttpRequestException exception)
        {
            return new RestOutcome(describe, null, "", $"transport: {exception.Message}", false, startedAt, Stopwatch.GetTimestamp());
        }
    }

    private static JsonArray Names(IEnumerable<string> names) => new([.. names.Select(n => (JsonNode)JsonValue.Create(n))]);

    public void Dispose() => _http.Dispose();
}
