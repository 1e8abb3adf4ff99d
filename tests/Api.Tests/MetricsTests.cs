using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Presence.Testing;
using static Presence.Api.Tests.SocketClient;

namespace Presence.Api.Tests;

/// <summary>
/// <c>GET /metrics</c> (Prometheus text) on the silo host: the project's meter after real traffic — a REST change, a
/// subscription, a socket and the event it got — beside Orleans', ASP.NET Core's and the runtime's; no token needed, no
/// rate limit, not in the OpenAPI document.
/// </summary>
/// <remarks>
/// Alone (<see cref="MetricsCollection"/>): every test host in this process has its own ASP.NET Core meters of the
/// same names, and OpenTelemetry merges same-named instruments into one stream, which it drops from every provider
/// once any one of them is disposed — another class's host shutting down mid-test would hide this host's request
/// durations. A real process has one host.
/// </remarks>
[Collection(MetricsCollection.Name)]
public sealed partial class MetricsTests(SocketGatewayFactory factory) : IClassFixture<SocketGatewayFactory>
{
    [Fact]
    public async Task Metrics_ExposeThePresenceMeter_AfterAChangeReachedASubscribedSocket()
    {
        // Exported values are cumulative over this test process (the meter is static): each is checked as a change
        // from before this test's traffic, which this collection runs alone.
        var before = await ScrapeAsync();
        await using var watcher = await factory.ConnectAsync("metrics.w", "web_1");
        var reply = await watcher.RequestAsync(Op("subscribe", ("users", Users(["metrics.b"])), ("expiry", 3600)));
        Assert.Equal("reply", Type(reply));

        await factory.SetPresenceAsync("metrics.b", "android_1", "1", "hi");
        await watcher.WaitForAsync(f => Type(f) == "presence" && f.GetProperty("uid").GetString() == "metrics.b",
            TimeSpan.FromSeconds(5), "metrics.b's event");

        string text = "";
        string[] missing = [];
        try
        {
            await Eventually.TrueAsync(async () =>
            {
                text = await ScrapeAsync();
                missing = [.. new[]
                {
                    Grew(before, text, 1, "presence_events_delivered_total") ? null : "presence_events_delivered_total",
                    Grew(before, text, 1, "presence_devices_connected", "demo/demo") ? null : "presence_devices_connected",
                    text.Contains("http_server_request_duration_seconds_bucket{", StringComparison.Ordinal) ? null : "http_server_request_duration_seconds",
                }.OfType<string>()];
                return missing.Length == 0;
            });
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Still missing from /metrics after 10 s: {string.Join(", ", missing)}. Presence lines:\n"
                + string.Join('\n', text.Split('\n').Where(l => l.StartsWith("presence_", StringComparison.Ordinal))));
        }

        Assert.True(Grew(before, text, 2, "presence_changes_total", "demo/demo"), "the login and the REST change are changes");
        Assert.True(Grew(before, text, 2, "presence_users_online", "demo/demo"), "metrics.w (its socket) and metrics.b came online");
        Assert.True(Grew(before, text, 1, "presence_subscriptions_added_total"));
        Assert.True(Grew(before, text, 1, "presence_websocket_opened_total", "demo/demo"));
        Assert.True(Grew(before, text, 1, "presence_websocket_active", "demo/demo"));
        Assert.True(Grew(before, text, 1, "presence_event_delivery_duration_seconds_count"), "the latency histogram recorded the event");
        Assert.Contains("presence_event_delivery_duration_seconds_bucket{", text);
        // The other meters: ASP.NET Core's request duration (above), Orleans', the runtime's.
        Assert.Matches(OrleansMetric(), text);
        Assert.Contains("dotnet_gc_heap_total_allocated_bytes_total", text);
    }

    [Fact]
    public async Task WebSocketClose_IsCountedByCloseCode()
    {
        var before = Value(await ScrapeAsync(), "presence_websocket_closed_total", "demo/demo", ("presence_close_code", "1000"));
        await using (var device = await factory.ConnectAsync("metrics.closer", "web_1"))
            await device.CloseAsync(); // a clean close from the client: 1000

        await Eventually.TrueAsync(async () =>
            Value(await ScrapeAsync(), "presence_websocket_closed_total", "demo/demo", ("presence_close_code", "1000")) > before,
            because: "the close counted under code 1000");
    }

    [Fact]
    public async Task Metrics_NeedNoToken_AreNotRateLimited_AndStayOutOfTheOpenApiDocument()
    {
        using var http = new HttpClient { BaseAddress = factory.Address };
        for (var i = 0; i < 3; i++)
        {
            using var response = await http.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);
        }
        var openApi = await http.GetStringAsync("/openapi/v1.json");
        Assert.DoesNotContain("/metrics", openApi);
    }

    private async Task<string> ScrapeAsync()
    {
        using var http = new HttpClient { BaseAddress = factory.Address };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Accept.ParseAdd("text/plain");
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Whether a metric (as <see cref="Value"/> reads it) grew by at least <paramref name="by"/> from one scrape to the next.</summary>
    private static bool Grew(string before, string after, double by, string name, string? app = null) =>
        Value(after, name, app) - Value(before, name, app) >= by;

    /// <summary>The sum of a metric's samples (those of <paramref name="app"/> and the given labels, when named); 0 if absent.</summary>
    private static double Value(string text, string name, string? app = null, params (string Label, string Value)[] labels)
    {
        var sum = 0.0;
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith(name, StringComparison.Ordinal) || line.Length == name.Length || line[name.Length] is not ('{' or ' '))
                continue;
            if (app is not null && !line.Contains($"presence_app=\"{app}\"", StringComparison.Ordinal))
                continue;
            if (labels.Any(l => !line.Contains($"{l.Label}=\"{l.Value}\"", StringComparison.Ordinal)))
                continue;
            // name{labels} value [timestamp]
            var afterLabels = line[(line.LastIndexOf('}') is var close and > 0 ? close + 1 : name.Length)..].Trim();
            sum += double.Parse(afterLabels.Split(' ')[0], CultureInfo.InvariantCulture);
        }
        return sum;
    }

    [GeneratedRegex(@"(?m)^orleans_[a-z_]+")]
    private static partial Regex OrleansMetric();
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "Metrics (alone: no other test host starts or stops meanwhile)";
}
