using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Presence.Diagnostics;

namespace Presence.Hosting;

/// <summary>
/// OpenTelemetry for silos and gateways: metrics always (scraped at <c>GET /metrics</c>, and pushed over OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set); traces only when OTLP is configured, since a span nobody exports is pure
/// cost on the hot path. The OTLP exporter reads the standard <c>OTEL_*</c> variables itself (protocol, headers,
/// intervals), and <c>OTEL_SERVICE_NAME</c> overrides the service name (the entry assembly's otherwise).
/// </summary>
public static class TelemetryHostingExtensions
{
    /// <summary>The scrape path (Prometheus text format) on the main HTTP port.</summary>
    public const string MetricsPath = "/metrics";

    private const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Meters exported besides the project's own: Orleans, ASP.NET Core (hosting, Kestrel, routing) and the runtime.</summary>
    private static readonly string[] Meters =
    [
        PresenceMetrics.MeterName,
        "Microsoft.Orleans",
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Http.Connections",
        "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Diagnostics",
        "System.Runtime",
        "System.Net.Http",
    ];

    /// <summary>
    /// Activity sources traced when OTLP is on: ASP.NET Core's requests (through its instrumentation), Orleans' grain
    /// calls (propagated across processes by <c>AddActivityPropagation</c> on every silo and client), Npgsql's
    /// commands and the project's own.
    /// </summary>
    private static readonly string[] Sources =
    [
        PresenceMetrics.ActivitySourceName,
        "Microsoft.Orleans.Runtime",
        "Microsoft.Orleans.Application",
        "Microsoft.Orleans.Storage",
        "Npgsql",
    ];

    /// <summary>
    /// Whether traces are exported (OTLP configured). Silos and clients add Orleans' activity propagation only then:
    /// its grain-call filters take every call off Orleans' pooled, filter-free path, a cost R2's and R3's hundred calls
    /// per request feel, and spans nobody exports are not worth it.
    /// </summary>
    public static bool IsTracingEnabled(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[OtlpEndpointVariable]);

    public static IHostApplicationBuilder AddPresenceTelemetry(this IHostApplicationBuilder builder)
    {
        var otlp = IsTracingEnabled(builder.Configuration);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_SERVICE_NAME"]))
                    resource.AddService(ServiceName(), serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId);
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(Meters).AddPrometheusExporter();
                if (otlp)
                    metrics.AddOtlpExporter();
            });
        if (otlp)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(Sources)
                .AddAspNetCoreInstrumentation(o => o.Filter = static context =>
                    !context.Request.Path.StartsWithSegments("/health") && !context.Request.Path.StartsWithSegments(MetricsPath))
                .AddOtlpExporter());
        }
        return builder;
    }

    /// <summary>Maps <c>GET /metrics</c>: no token, no rate limit, not in the OpenAPI document.</summary>
    public static IEndpointConventionBuilder MapPresenceMetrics(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPrometheusScrapingEndpoint(MetricsPath).ExcludeFromDescription();

    /// <summary><c>presence-silo</c> or <c>presence-gateway</c>, from the process's entry assembly.</summary>
    private static string ServiceName() =>
        Assembly.GetEntryAssembly()?.GetName().Name switch
        {
            "Presence.Silo" => "presence-silo",
            "Presence.Gateway" => "presence-gateway",
            var other => other ?? "presence",
        };
}
