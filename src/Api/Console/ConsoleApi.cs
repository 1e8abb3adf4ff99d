using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace Presence.Api;

/// <summary>
/// The web console (<c>GET /console</c> and <c>/console/{file}</c>): static HTML, CSS and JS in <c>Console/</c>, embedded
/// in this assembly (so a silo, which references the gateway as a library, serves the same files as a gateway process, in
/// every environment). The console calls the same REST and WebSocket routes that apps use, plus the read-only admin routes;
/// these endpoints themselves need no credential, pass no app rate limit and are left out of the OpenAPI document.
/// Every answer carries <c>Cache-Control: no-cache</c> (with an ETag, so a reload is a 304) and a strict
/// Content-Security-Policy: scripts, styles and images only from this origin, connections only to it (HTTP and WebSocket).
/// </summary>
internal static class ConsoleApi
{
    internal const string ResourcePrefix = "Presence.Console.";
    internal const string IndexFile = "index.html";

    private static readonly Lazy<FrozenDictionary<string, ConsoleFile>> Files = new(LoadFiles);

    public static IEndpointRouteBuilder MapConsole(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/console", (HttpContext context) => Serve(context, IndexFile))
            .WithName("Console")
            .ExcludeFromDescription()
            .DisableRateLimiting();
        endpoints.MapGet("/console/{file}", (HttpContext context, string file) => Serve(context, file))
            .WithName("ConsoleFile")
            .ExcludeFromDescription()
            .DisableRateLimiting();
        return endpoints;
    }

    /// <summary>The embedded files by name (<c>index.html</c>, <c>console.css</c>, <c>console.js</c>).</summary>
    internal static IReadOnlyDictionary<string, ConsoleFile> All => Files.Value;

    internal static IResult Serve(HttpContext context, string file)
    {
        if (!Files.Value.TryGetValue(file, out var content))
            return EasemobError.ResourceNotFound();
        var headers = context.Response.Headers;
        headers.CacheControl = "no-cache";
        headers.ETag = content.ETag;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XFrameOptions = "DENY";
        headers.ContentSecurityPolicy = ContentSecurityPolicy(context.Request);
        if (context.Request.Headers.IfNoneMatch.ToString() == content.ETag)
            return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.Bytes(content.Bytes, content.ContentType);
    }

    /// <summary>
    /// Only this origin: <c>'self'</c>, and for <c>connect-src</c> also this host over <c>ws:</c>/<c>wss:</c> (older browsers do
    /// not count a WebSocket to the same host as <c>'self'</c>). No inline script or style, no frames, no form posts.
    /// </summary>
    internal static string ContentSecurityPolicy(HttpRequest request)
    {
        var host = request.Host.HasValue ? request.Host.Value : null;
        var sockets = host is null ? "" : $" ws://{host} wss://{host}";
        return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
               $"connect-src 'self'{sockets}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    }

    private static FrozenDictionary<string, ConsoleFile> LoadFiles()
    {
        var assembly = typeof(ConsoleApi).Assembly;
        var files = new Dictionary<string, ConsoleFile>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
                continue;
            var file = name[ResourcePrefix.Length..];
            files[file] = ConsoleFile.Read(assembly, name, file);
        }
        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    internal sealed record ConsoleFile(byte[] Bytes, string ContentType, string ETag)
    {
        public static ConsoleFile Read(Assembly assembly, string resource, string file)
        {
            using var stream = assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"The embedded console file {resource} is missing.");
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var bytes = buffer.ToArray();
            var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 8))}\"";
            return new ConsoleFile(bytes, ContentTypeOf(file), etag);
        }

        private static string ContentTypeOf(string file) => Path.GetExtension(file).ToLowerInvariant() switch
        {
            ".html" => "text/html; charset=utf-8",
            ".css" => "text/css; charset=utf-8",
            ".js" => "text/javascript; charset=utf-8",
            ".svg" => "image/svg+xml",
            ".png" => "image/png",
            ".ico" => "image/x-icon",
            _ => "application/octet-stream",
        };
    }
}
