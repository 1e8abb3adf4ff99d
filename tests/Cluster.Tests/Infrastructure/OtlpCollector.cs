using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Presence.Cluster.Tests;

/// <summary>
/// A stand-in OpenTelemetry collector on a loopback port: it accepts OTLP over HTTP (protobuf) and keeps each request's
/// raw body by path (<c>/v1/traces</c>, <c>/v1/metrics</c>). Tests look for byte sequences in the bodies — a trace id's
/// 16 bytes, a service name — which protobuf stores verbatim, so no OTLP decoder is needed.
/// </summary>
public sealed class OtlpCollector : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<(string Path, byte[] Body)> _requests = new();
    private readonly Task _loop;

    public OtlpCollector()
    {
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    /// <summary>Bodies received on <c>/v1/traces</c> so far.</summary>
    public IReadOnlyList<byte[]> TraceExports => [.. _requests.Where(r => r.Path == "/v1/traces").Select(r => r.Body)];

    /// <summary>Settings that make a process export here quickly: OTLP over HTTP, spans batched for 200 ms at most.</summary>
    public IReadOnlyDictionary<string, string> ExporterSettings => new Dictionary<string, string>
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Endpoint,
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
    };

    private async Task AcceptLoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped
            }
            try
            {
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                _requests.Enqueue((context.Request.Url?.AbsolutePath ?? "", body.ToArray()));
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
                context.Response.Close();
            }
            catch (Exception exception) when (exception is HttpListenerException or IOException)
            {
                // The exporter gave up on this request; it retries or drops it.
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
