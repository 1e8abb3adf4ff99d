using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Presence.Cluster.Tests;

/// <summary>
/// One REST call is one trace across processes: the gateway's request span and the silo's grain-call span carry the
/// trace id the caller sent (W3C <c>traceparent</c>), and both processes export them over OTLP.
/// </summary>
[Collection(DefaultClusterCollection.Name)]
public sealed class TracingTests(DefaultClusterFixture fixture, ITestOutputHelper output) : ClusterTest(fixture, output)
{
    private static readonly TimeSpan ExportDeadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task ARestCallThroughAGateway_IsOneTraceSpanningTheGatewayAndTheSilo_ExportedOverOtlp()
    {
        var gateway = Cluster.Gateways[0];
        var user = Unique("traced");
        var traceId = RandomNumberGenerator.GetBytes(16);
        var parentSpanId = RandomNumberGenerator.GetBytes(8);

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{gateway.Process.Port}/") };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{PresenceRest.Org}/{PresenceRest.App}/users/{user}/presence/web/1")
        {
            Content = JsonContent.Create(new JsonObject { ["ext"] = "traced" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await gateway.Rest.IssueAppTokenAsync());
        request.Headers.Add("traceparent", $"00-{Convert.ToHexStringLower(traceId)}-{Convert.ToHexStringLower(parentSpanId)}-01");
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var host = Cluster.SiloAt(Assert.Single((await Cluster.Probe.UserActivationsAsync())[user]));
        Log($"{user}'s grain is on {host.Name}; trace {Convert.ToHexStringLower(traceId)} sent to {gateway.Name}");

        // Each export names its process (resource attribute service.name) and holds the spans' trace ids as raw bytes.
        var gatewayName = Encoding.UTF8.GetBytes("presence-gateway");
        var siloName = Encoding.UTF8.GetBytes("presence-silo");
        bool ExportedBy(byte[] service) => fixture.Collector.TraceExports.Any(body => Contains(body, service) && Contains(body, traceId));
        await Eventually.TrueAsync(() => ExportedBy(gatewayName) && ExportedBy(siloName), ExportDeadline,
            because: $"spans of trace {Convert.ToHexStringLower(traceId)} exported by the gateway and by a silo within {ExportDeadline.TotalSeconds:0} s");
        Log($"{fixture.Collector.TraceExports.Count} trace exports received; the trace is in the gateway's and a silo's");
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
