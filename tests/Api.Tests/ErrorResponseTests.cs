using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Presence.Api.Tests;

/// <summary>Every error of docs/api.md#errors that a request can provoke, with Easemob's body and exact descriptions.</summary>
public sealed class ErrorResponseTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private const string IllegalUsername = "username is not legal: 1-64 characters of A-Z a-z 0-9 _ - .";
    private readonly GatewayClient _client = factory.CreateGatewayClient();

    private static string Names(int count, string prefix = "n") =>
        GatewayClient.UsernamesBody(Enumerable.Range(0, count).Select(i => $"{prefix}{i}"));

    private static string QuotedNames(int count) => "[" + string.Join(",", Enumerable.Range(0, count).Select(i => $"\"n{i}\"")) + "]";

    public static TheoryData<string, string, string?, string> BadRequests => new()
    {
        // method, path (under /demo/demo), body, error_description
        { "POST", "users/u1/presence/web/1", """{"ext":"12345678901234567890123456789012345678901234567890123456789012345"}""", "ext is too big " },
        { "POST", "users/u1/presence/web/1", """{"ext":"一二三四五六七八九十一二三四五六七八九十一二"}""", "ext is too big " },
        { "POST", "users/u1/presence/web/1", "{}", "ext is required" },
        { "POST", "users/u1/presence/web/1", """{"ext":null}""", "ext is required" },
        { "POST", "users/u1/presence/web/1", null, "ext is required" },
        { "POST", "users/u1/presence/web/1", """{"ext":123}""", "Request body is not valid JSON or has fields of the wrong type" },
        { "POST", "users/u1/presence/web/1", """{"ext":"x""", "Request body is not valid JSON or has fields of the wrong type" },
        { "POST", "users/u%20x/presence/web/1", """{"ext":""}""", IllegalUsername },
        { "POST", "users/" + new string('a', 65) + "/presence/web/1", """{"ext":""}""", IllegalUsername },
        { "POST", "users/u1/presence/web.1/1", """{"ext":""}""", "resource is not legal: 1-64 characters of A-Z a-z 0-9 _ -" },
        { "POST", "users/u1/presence/" + new string('r', 65) + "/1", """{"ext":""}""", "resource is not legal: 1-64 characters of A-Z a-z 0-9 _ -" },
        { "POST", "users/u1/presence/web/" + new string('s', 65), """{"ext":""}""", "status is not legal: 1-64 UTF-8 bytes without control characters" },
        { "POST", "users/u1/presence/web/%01", """{"ext":""}""", "status is not legal: 1-64 UTF-8 bytes without control characters" },
        { "POST", "users/u1/presence/100", """{"usernames":["u1"]}""", "you can't sub yourself" },
        { "POST", "users/u1/presence/100", """{"usernames":["u2","U1"]}""", "you can't sub yourself" },
        { "POST", "users/u1/presence/100", Names(101), "too many sub presence" },
        { "POST", "users/u1/presence/100", """{"usernames":[]}""", "usernames must not be empty" },
        { "POST", "users/u1/presence/100", "{}", "usernames is required" },
        { "POST", "users/u1/presence/100", """{"usernames":["ok","not ok"]}""", "usernames contains a username that is not legal: 1-64 characters of A-Z a-z 0-9 _ - ." },
        { "POST", "users/u1/presence/100", """{"usernames":[null]}""", "usernames contains a username that is not legal: 1-64 characters of A-Z a-z 0-9 _ - ." },
        { "POST", "users/u1/presence/100", """{"usernames":"u2"}""", "Request body is not valid JSON or has fields of the wrong type" },
        { "POST", "users/u1/presence/100", """{"usernames":[1,2]}""", "Request body is not valid JSON or has fields of the wrong type" },
        { "POST", "users/u1/presence/0", """{"usernames":["u2"]}""", "expiry must be an integer from 1 to 2592000" },
        { "POST", "users/u1/presence/2592001", """{"usernames":["u2"]}""", "expiry must be an integer from 1 to 2592000" },
        { "POST", "users/u1/presence/-5", """{"usernames":["u2"]}""", "expiry must be an integer from 1 to 2592000" },
        { "POST", "users/u1/presence/1e3", """{"usernames":["u2"]}""", "expiry must be an integer from 1 to 2592000" },
        { "POST", "users/u1/presence/99999999999999999999", """{"usernames":["u2"]}""", "expiry must be an integer from 1 to 2592000" },
        { "POST", "users/u1/presence/sublist", """{"usernames":["u2"]}""", "expiry must be an integer from 1 to 2592000" },
        { "POST", "users/u1/presence", Names(101), "too many get presences" },
        { "POST", "users/u1/presence", """{"usernames":[]}""", "usernames must not be empty" },
        { "POST", "users/u1/presence", "[]", "Request body is not valid JSON or has fields of the wrong type" },
        { "DELETE", "users/u1/presence", "{\"users\":" + QuotedNames(101) + "}", "too many unsub presences" },
        { "DELETE", "users/u1/presence", QuotedNames(101), "too many unsub presences" },
        { "DELETE", "users/u1/presence", "{}", "users is required" },
        { "DELETE", "users/u1/presence", """{"users":"u2"}""", "Request body is not valid JSON or has fields of the wrong type" },
        { "DELETE", "users/u1/presence", "[1]", "Request body is not valid JSON or has fields of the wrong type" },
        { "DELETE", "users/u1/presence", "\"u2\"", "Request body is not valid JSON or has fields of the wrong type" },
        { "GET", "users/u1/presence/sublist?pageNum=0", null, "pageNum must be an integer of at least 1" },
        { "GET", "users/u1/presence/sublist?pageNum=abc", null, "pageNum must be an integer of at least 1" },
        { "GET", "users/u1/presence/sublist?pageNum=1&pageNum=2", null, "pageNum must be an integer of at least 1" },
        { "GET", "users/u1/presence/sublist?pageNum=99999999999", null, "pageNum must be an integer of at least 1" },
        { "GET", "users/u1/presence/sublist?pageSize=0", null, "pageSize must be an integer from 1 to 500" },
        { "GET", "users/u1/presence/sublist?pageSize=501", null, "pageSize must be an integer from 1 to 500" },
        { "GET", "users/u1/presence/sublist?pageSize=1.5", null, "pageSize must be an integer from 1 to 500" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Route_Returns400IllegalArgument_WhenInputBreaksARule(string method, string path, string? body, string description)
    {
        var token = await _client.AppTokenAsync();

        using var response = await _client.SendAsync(new HttpMethod(method), path, token, body);

        await Api.AssertIllegalArgumentAsync(response, description);
    }

    [Fact]
    public async Task Subscribe_Accepts100Names_WhenAtTheLimit()
    {
        var token = await _client.AppTokenAsync();

        using var response = await _client.SendAsync(HttpMethod.Post, "users/hundred/presence/100", token, Names(100));

        var json = await Api.ReadJsonAsync(response, HttpStatusCode.OK);
        Assert.Equal(100, json.GetProperty("result").GetArrayLength());
    }

    [Fact]
    public async Task SetPresence_Accepts64ByteExt_WhenAtTheLimit()
    {
        var token = await _client.AppTokenAsync();

        using var response = await _client.SetPresenceAsync(token, "u64", "web", "1", new string('x', 64));

        await Api.AssertOkResultAsync(response);
    }

    [Fact]
    public async Task Error_CarriesClockTimestampInMilliseconds()
    {
        var token = await _client.AppTokenAsync();

        using var response = await _client.SendAsync(HttpMethod.Post, "users/u1/presence/0", token, """{"usernames":["u2"]}""");

        var json = await Api.AssertErrorAsync(response, HttpStatusCode.BadRequest, "illegal_argument");
        Assert.Equal(factory.Clock.GetUtcNow().ToUnixTimeMilliseconds(), json.GetProperty("timestamp").GetInt64());
        Assert.Equal(0, json.GetProperty("duration").GetInt64());
        Assert.Equal("java.lang.IllegalArgumentException", json.GetProperty("exception").GetString());
    }

    [Fact]
    public async Task PresenceRoute_Returns404AppNotFound_WhenOrgOrAppIsUnknown()
    {
        var token = await _client.AppTokenAsync();

        using var unknownApp = await _client.SendAsync(HttpMethod.Post, "/demo/other/users/u1/presence", token, """{"usernames":["u2"]}""");
        using var unknownOrg = await _client.SendAsync(HttpMethod.Get, "/acme/demo/users/u1/presence/sublist", token);

        await Api.AssertErrorAsync(unknownApp, HttpStatusCode.NotFound, "organization_application_not_found", "Could not find application for demo/other");
        await Api.AssertErrorAsync(unknownOrg, HttpStatusCode.NotFound, "organization_application_not_found", "Could not find application for acme/demo");
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/demo")]
    [InlineData("/demo/demo")]
    [InlineData("/demo/demo/users/u1/blocks")] // GET /users/u1 is a route since accounts
    [InlineData("/demo/demo/users/u1/presence/a/b/c")]
    [InlineData("/demo/demo/chatgroups")]
    public async Task UnknownRoute_Returns404ServiceResourceNotFound(string path)
    {
        using var response = await _client.SendAsync(HttpMethod.Get, path);

        await Api.AssertErrorAsync(response, HttpStatusCode.NotFound, "service_resource_not_found", "Service resource not found");
    }

    [Theory]
    [InlineData("PUT", "/demo/demo/users/u1/presence")]
    [InlineData("GET", "/demo/demo/users/u1/presence")]
    [InlineData("GET", "/demo/demo/users/u1/presence/100")]
    [InlineData("DELETE", "/demo/demo/users/u1/presence/sublist")]
    [InlineData("GET", "/demo/demo/token")]
    [InlineData("PATCH", "/demo/demo/users/u1/presence/web/1")]
    public async Task KnownPath_Returns405WithErrorBody_WhenMethodIsWrong(string method, string path)
    {
        using var response = await _client.SendAsync(new HttpMethod(method), path);

        await Api.AssertErrorAsync(response, HttpStatusCode.MethodNotAllowed, "unsupported_service_operation", "Service operation not supported");
        Assert.NotEmpty(response.Content.Headers.Allow);
    }

    [Fact]
    public async Task Route_Returns413_WhenContentLengthIsOver16KiB()
    {
        var token = await _client.AppTokenAsync();
        var body = $$"""{"ext":"x","pad":"{{new string('p', 16 * 1024)}}"}""";

        using var response = await _client.SendAsync(HttpMethod.Post, "users/u1/presence/web/1", token, body);

        await Api.AssertErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "request_entity_too_large", "Request Entity Too Large");
    }

    [Fact]
    public async Task Route_Accepts16KiBBody_WhenExactlyAtTheLimit()
    {
        var token = await _client.AppTokenAsync();
        var head = "{\"ext\":\"x\",\"pad\":\"";
        var body = head + new string('p', 16 * 1024 - head.Length - 2) + "\"}";
        Assert.Equal(16 * 1024, Encoding.UTF8.GetByteCount(body));

        using var response = await _client.SendAsync(HttpMethod.Post, "users/u1/presence/web/1", token, body);

        await Api.AssertOkResultAsync(response);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/xml")]
    [InlineData("application/json; charset=utf-16")]
    public async Task Route_Returns415_WhenBodyIsNotJson(string contentType)
    {
        var token = await _client.AppTokenAsync();

        using var response = await _client.SendAsync(HttpMethod.Post, "users/u1/presence", token, """{"usernames":["u2"]}""", contentType);

        await Api.AssertErrorAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type", "Content-Type must be application/json");
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/JSON")]
    [InlineData("application/vnd.presence+json")]
    public async Task Route_AcceptsBody_WhenContentTypeIsAnyJson(string contentType)
    {
        var token = await _client.AppTokenAsync();

        using var response = await _client.SendAsync(HttpMethod.Post, "users/u1/presence", token, """{"usernames":["u2"]}""", contentType);

        await Api.ReadJsonAsync(response, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Token_Returns415_WhenFormEncoded()
    {
        using var response = await _client.SendAsync(HttpMethod.Post, "token", body: "grant_type=client_credentials", contentType: "application/x-www-form-urlencoded");

        await Api.AssertErrorAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }
}
