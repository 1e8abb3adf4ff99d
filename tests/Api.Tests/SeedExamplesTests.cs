using System.Net;

namespace Presence.Api.Tests;

/// <summary>The request examples of the vendor documents (seeds 000 Agora and 001 Easemob), sent as they are written.</summary>
public sealed class SeedExamplesTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private readonly GatewayClient _client = factory.CreateGatewayClient();

    [Theory]
    [InlineData("users/c1/presence/android_123423453246/0")] // Agora
    [InlineData("users/c1/presence/android/0")] // Easemob
    public async Task SetPresenceExample_ReturnsResultOk(string path)
    {
        var token = await _client.AppTokenAsync();

        using var response = await _client.SendAsync(HttpMethod.Post, path, token, """{"ext":"123"}""");

        await Api.AssertOkResultAsync(response);
    }

    [Fact]
    public async Task SubscribeExample_ReturnsPresenceOfC2AndC3WithExpiry()
    {
        var token = await _client.AppTokenAsync();
        using (var r = await _client.SendAsync(HttpMethod.Post, "users/c2/presence/android/1", token, """{"ext":"123"}"""))
            await Api.AssertOkResultAsync(r);
        // A device that logged in and out stays in the map as "0".
        foreach (var status in new[] { "1", "0" })
        {
            using var r = await _client.SendAsync(HttpMethod.Post, $"users/c2/presence/android_6b5610ac-4e11-4661-82b3-dee17bc7b2cc/{status}", token, """{"ext":"123"}""");
            await Api.AssertOkResultAsync(r);
        }

        using var response = await _client.SendAsync(HttpMethod.Post, "users/wzy/presence/1000", token, """{"usernames":["c2","c3"]}""");

        var result = (await Api.ReadJsonAsync(response, HttpStatusCode.OK)).GetProperty("result").EnumerateArray().ToList();
        Assert.Equal(["c2", "c3"], result.Select(p => Api.Str(p, "uid")));
        var expiry = (factory.Clock.GetUtcNow().ToUnixTimeSeconds() + 1000).ToString();
        Assert.All(result, p => Assert.Equal(expiry, Api.Str(p, "expiry")));
        Assert.Equal("123", Api.Str(result[0], "ext"));
        Assert.Equal(
            new Dictionary<string, string> { ["android"] = "1", ["android_6b5610ac-4e11-4661-82b3-dee17bc7b2cc"] = "0" },
            Api.StatusMap(result[0]));
    }

    [Fact]
    public async Task GetPresenceExample_ReturnsC2AndC3()
    {
        var token = await _client.AppTokenAsync();

        using var response = await _client.SendAsync(HttpMethod.Post, "users/wzy/presence", token, """{"usernames":["c2","c3"]}""");

        var result = (await Api.ReadJsonAsync(response, HttpStatusCode.OK)).GetProperty("result").EnumerateArray().ToList();
        Assert.Equal(["c2", "c3"], result.Select(p => Api.Str(p, "uid")));
        Assert.All(result, p => Assert.Equal(["uid", "last_time", "ext", "status"], Api.Names(p)));
    }

    [Fact]
    public async Task UnsubscribeExample_ReturnsResultOk()
    {
        var token = await _client.AppTokenAsync();

        using var response = await _client.SendAsync(HttpMethod.Delete, "users/wzy/presence", token, """["c1"]""");

        await Api.AssertOkResultAsync(response);
    }

    [Fact]
    public async Task SublistExample_ReturnsTotalnumAndSublist_WithContentTypeAndNoBody()
    {
        var token = await _client.AppTokenAsync();
        using (var r = await _client.SendAsync(HttpMethod.Post, "users/lx/presence/1000", token, """{"usernames":["lxml1","lxml2"]}"""))
            await Api.ReadJsonAsync(r, HttpStatusCode.OK);
        var request = new HttpRequestMessage(HttpMethod.Get, "/demo/demo/users/lx/presence/sublist?pageNum=1&pageSize=100");
        request.Headers.Authorization = new("Bearer", token);
        request.Content = new ByteArrayContent([]);
        request.Content.Headers.ContentType = new("application/json");

        using var response = await _client.Http.SendAsync(request);

        var result = (await Api.ReadJsonAsync(response, HttpStatusCode.OK)).GetProperty("result");
        Assert.Equal("2", Api.Str(result, "totalnum"));
        Assert.Equal(["lxml1", "lxml2"], result.GetProperty("sublist").EnumerateArray().Select(s => Api.Str(s, "uid")));
    }
}
