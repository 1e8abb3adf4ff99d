using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using static Presence.Api.Tests.SocketClient;

namespace Presence.Api.Tests;

/// <summary>
/// The bench references (<c>/bench/…</c>, <c>Presence:Bench:Enabled</c>): absent unless enabled, behind the operator
/// credential, a broadcast that reaches every socket of the process as a presence event, and empty activations.
/// </summary>
public sealed class BenchApiTests(BenchApiTests.BenchFactory factory) : IClassFixture<BenchApiTests.BenchFactory>
{
    private static readonly AuthenticationHeaderValue Admin = new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:admin-secret")));

    [Fact]
    public async Task BenchRoutes_AreNotMapped_UnlessEnabled()
    {
        await using var plain = new SocketGatewayFactory();

        using var response = await PostAsync(plain.Address, "/bench/broadcast?uid=x&ext=y", Admin);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task BenchRoutes_Return401_WithoutTheOperatorCredential()
    {
        using var response = await PostAsync(factory.Address, "/bench/activate?from=0&count=1", credential: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("unauthorized", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Broadcast_WritesOnePresenceEventToEverySocketOfTheProcess()
    {
        await using var first = await factory.ConnectAsync("bench.a", "web_1");
        await using var second = await factory.ConnectAsync("bench.b", "android_1");

        using var response = await PostAsync(factory.Address, "/bench/broadcast?uid=bench.star&ext=7:123", Admin);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"count\":", await response.Content.ReadAsStringAsync());
        foreach (var socket in new[] { first, second })
        {
            var frame = await socket.WaitForAsync(f => Type(f) == "presence" && f.GetProperty("uid").GetString() == "bench.star",
                because: "the broadcast event");
            Assert.Equal("7:123", frame.GetProperty("ext").GetString());
        }
    }

    [Fact]
    public async Task Activate_ActivatesThatManyEmptyGrains()
    {
        using var response = await PostAsync(factory.Address, "/bench/activate?from=1000&count=25", Admin);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"count\":25}", await response.Content.ReadAsStringAsync());
        var statistics = await factory.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        Assert.True(statistics.Where(s => s.GrainType.Contains("BareActivation", StringComparison.Ordinal)).Sum(s => s.ActivationCount) >= 25);
    }

    [Theory]
    [InlineData("/bench/activate?from=-1&count=5")]
    [InlineData("/bench/activate?from=0&count=0")]
    [InlineData("/bench/activate?from=0&count=10001")]
    [InlineData("/bench/activate")]
    [InlineData("/bench/broadcast?uid=not%20legal&ext=x")]
    [InlineData("/bench/broadcast")]
    public async Task BadArguments_Return400_WithTheErrorBody(string path)
    {
        using var response = await PostAsync(factory.Address, path, Admin);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("illegal_argument", await response.Content.ReadAsStringAsync());
    }

    private static async Task<HttpResponseMessage> PostAsync(Uri address, string path, AuthenticationHeaderValue? credential)
    {
        using var http = new HttpClient { BaseAddress = address };
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Headers.Authorization = credential;
        var response = await http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    public sealed class BenchFactory : SocketGatewayFactory
    {
        protected override IDictionary<string, string?> Settings =>
            new Dictionary<string, string?>(base.Settings) { ["Presence:Bench:Enabled"] = "true" };
    }
}
