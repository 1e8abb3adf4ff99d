using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Presence.Api.Tests;

/// <summary>
/// The Orleans dashboard a silo co-hosts at <c>/dashboard</c>, behind the admin credential. This silo runs in
/// Development with nothing configured, so the credential is the development default <c>admin</c> / <c>admin-secret</c>.
/// </summary>
public sealed class DashboardTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private readonly HttpClient _http = factory.CreateClient();

    public static TheoryData<string> DashboardPaths => new()
    {
        "/dashboard",
        "/dashboard/",
        "/dashboard/index.html",
        "/dashboard/index.min.js",
        "/dashboard/ClusterStats",
        "/dashboard/DashboardCounters",
        "/dashboard/SiloStats/127.0.0.1:11111@1",
        "/dashboard/Trace",
    };

    [Theory]
    [MemberData(nameof(DashboardPaths))]
    public async Task Dashboard_Returns401AndNothingAboutTheCluster_WithoutCredential(string path)
    {
        using var response = await _http.GetAsync(path);

        await AdminTests.AssertRefusedAsync(response);
    }

    [Fact]
    public async Task Dashboard_Returns401_WhenPasswordIsWrong()
    {
        using var response = await GetAsync("/dashboard/ClusterStats", "wrong-secret");

        await AdminTests.AssertRefusedAsync(response);
    }

    [Fact]
    public async Task Dashboard_ServesThePageAndTheClusterData_WithTheCredential()
    {
        using (var page = await GetAsync("/dashboard/"))
        {
            var html = await page.Content.ReadAsStringAsync();
            Assert.True(page.StatusCode == HttpStatusCode.OK, $"{(int)page.StatusCode}: {html}");
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            Assert.Contains("index.min.js", html, StringComparison.Ordinal);
        }

        // The dashboard's own API, as its page polls it: the cluster's counters count this silo once the dashboard
        // has sampled them (at most every 5 s, DashboardHosting.CounterUpdateIntervalMs).
        await Eventually.TrueAsync(async () =>
        {
            using var counters = await GetAsync("/dashboard/DashboardCounters");
            var json = await Api.ReadJsonAsync(counters, HttpStatusCode.OK);
            Assert.Equal(JsonValueKind.Object, json.ValueKind);
            return json.GetProperty("totalActiveHostCount").GetInt32() == 1;
        }, TimeSpan.FromSeconds(20), "the dashboard to count the silo");
    }

    [Fact]
    public void Dashboard_ProfilesGrainCalls_ThroughAnIncomingFilter()
    {
        // What Presence:Admin:Dashboard=false takes away (AdminTests): the filter every grain call passes through.
        Assert.Contains(factory.Services.GetServices<IIncomingGrainCallFilter>(), f => f.GetType().Namespace?.StartsWith("Orleans.Dashboard", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task DashboardTrace_IsDisabled_EvenWithTheCredential()
    {
        using var response = await GetAsync("/dashboard/Trace");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private Task<HttpResponseMessage> GetAsync(string path, string password = PresenceAdminOptions.DevelopmentPassword)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path)
        {
            Headers = { Authorization = AdminTests.Basic(PresenceAdminOptions.DevelopmentUsername, password) },
        };
        return _http.SendAsync(request);
    }
}
