using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Presence.Silo.Tests;

/// <summary>
/// The REST routes R1–R5 of docs/api.md#presence-routes over a real <see cref="HttpClient"/>, as the dev app <c>demo/demo</c> with an app
/// token from <c>POST /demo/demo/token</c>. The <c>…Async</c> methods assert a 200 and parse the body; the
/// <c>Send…</c> methods return the raw response for tests that expect an error.
/// </summary>
public sealed class PresenceClient(HttpClient http)
{
    public const string Org = "demo";
    public const string App = "demo";
    private const string ClientId = "demo-client";
    private const string ClientSecret = "demo-secret";

    private string? _token;

    // ---- R1 ----

    /// <summary>R1; <paramref name="token"/> replaces the app token (which is then not issued), for a silo that cannot issue one yet.</summary>
    public async Task<HttpResponseMessage> SendSetPresenceAsync(string username, string resource, string status, string ext, string? token = null) =>
        await SendAsync(HttpMethod.Post, $"users/{username}/presence/{resource}/{status}", new JsonObject { ["ext"] = ext }, token);

    public async Task SetPresenceAsync(string username, string resource, string status, string ext)
    {
        using var response = await SendSetPresenceAsync(username, resource, status, ext);
        var body = await ReadOkAsync(response);
        Assert.Equal("ok", body["result"]!.GetValue<string>());
    }

    // ---- R2 ----

    /// <summary>Subscribes <paramref name="username"/>; returns target → expiry (Unix seconds) of the <c>result</c>, and <c>failed</c>.</summary>
    public async Task<(IReadOnlyDictionary<string, long> Subscribed, IReadOnlyList<string> Failed)> SubscribeAsync(
        string username, int expirySeconds, params string[] targets)
    {
        using var response = await SendAsync(HttpMethod.Post, $"users/{username}/presence/{expirySeconds}", new JsonObject { ["usernames"] = Names(targets) });
        var body = await ReadOkAsync(response);
        var subscribed = body["result"]!.AsArray().ToDictionary(
            item => item!["uid"]!.GetValue<string>(),
            item => long.Parse(item!["expiry"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        var failed = body["failed"]?.AsArray().Select(n => n!.GetValue<string>()).ToList() ?? [];
        return (subscribed, failed);
    }

    // ---- R3 ----

    public async Task<HttpResponseMessage> SendGetPresenceAsync(string asUser, params string[] usernames) =>
        await SendAsync(HttpMethod.Post, $"users/{asUser}/presence", new JsonObject { ["usernames"] = Names(usernames) });

    /// <summary>R3 for one user (asked by a bystander, so no other grain is involved).</summary>
    public async Task<UserPresence> GetPresenceAsync(string username)
    {
        using var response = await SendGetPresenceAsync("observer", username);
        return Parse(Assert.Single((await ReadOkAsync(response))["result"]!.AsArray())!);
    }

    // ---- R4 ----

    /// <summary>R4 with a bare array; an empty one removes every subscription.</summary>
    public async Task UnsubscribeAsync(string username, params string[] targets)
    {
        using var response = await SendAsync(HttpMethod.Delete, $"users/{username}/presence", Names(targets));
        var body = await ReadOkAsync(response);
        Assert.Equal("ok", body["result"]!.GetValue<string>());
    }

    // ---- R5 ----

    /// <summary>The first page (500, the largest) of live subscriptions, as (uid, expiry) in the order the API returns.</summary>
    public async Task<IReadOnlyList<(string Uid, long Expiry)>> GetSubscriptionsAsync(string username)
    {
        using var response = await SendAsync(HttpMethod.Get, $"users/{username}/presence/sublist?pageNum=1&pageSize=500", body: null);
        var result = (await ReadOkAsync(response))["result"]!;
        var list = result["sublist"]!.AsArray()
            .Select(item => (item!["uid"]!.GetValue<string>(), long.Parse(item["expiry"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
        Assert.Equal(list.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), result["totalnum"]!.GetValue<string>());
        return list;
    }

    // ---- plumbing ----

    /// <summary>Asserts an Easemob error body with the given status and <c>error</c> code.</summary>
    public static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string error)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        var body = JsonNode.Parse(text)!;
        Assert.Equal(error, body["error"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(body["error_description"]?.GetValue<string>()), $"no error_description: {text}");
        Assert.NotNull(body["exception"]);
        Assert.NotNull(body["timestamp"]);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, JsonNode? body, string? token = null)
    {
        token ??= _token ??= await IssueAppTokenAsync();
        using var request = new HttpRequestMessage(method, $"{Org}/{App}/{path}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
            request.Content = JsonContent.Create(body);
        return await http.SendAsync(request);
    }

    /// <summary>A user token (grant <c>inherit</c>), as a device would hold for its WebSocket.</summary>
    public async Task<string> IssueUserTokenAsync(string username)
    {
        var token = _token ??= await IssueAppTokenAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Org}/{App}/token")
        {
            Content = JsonContent.Create(new JsonObject { ["grant_type"] = "inherit", ["username"] = username }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        return (await ReadOkAsync(response))["access_token"]!.GetValue<string>();
    }

    /// <summary>The app token request (grant <c>client_credentials</c> of the dev app), answer unread.</summary>
    public Task<HttpResponseMessage> SendIssueAppTokenAsync() =>
        http.PostAsJsonAsync($"{Org}/{App}/token", new JsonObject
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = ClientId,
            ["client_secret"] = ClientSecret,
        });

    private async Task<string> IssueAppTokenAsync()
    {
        using var response = await SendIssueAppTokenAsync();
        return (await ReadOkAsync(response))["access_token"]!.GetValue<string>();
    }

    private static async Task<JsonNode> ReadOkAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK,
            $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    private static JsonArray Names(IEnumerable<string> names) => new([.. names.Select(n => (JsonNode)JsonValue.Create(n))]);

    private static UserPresence Parse(JsonNode item)
    {
        // docs/api.md#presence-routes: last_time is a string of Unix seconds, status an object of strings.
        var status = item["status"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>(), StringComparer.Ordinal);
        return new UserPresence(
            item["uid"]!.GetValue<string>(),
            long.Parse(item["last_time"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture),
            item["ext"]!.GetValue<string>(),
            status);
    }
}

/// <summary>One user's presence as R3 returns it.</summary>
public sealed record UserPresence(string Uid, long LastTime, string Ext, IReadOnlyDictionary<string, string> Status)
{
    /// <summary>The status map sorted, for equality in assertions.</summary>
    public SortedDictionary<string, string> SortedStatus => new(Status.ToDictionary(), StringComparer.Ordinal);
}
