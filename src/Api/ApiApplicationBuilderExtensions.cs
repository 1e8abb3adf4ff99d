using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.AspNetCore.Routing;

namespace Presence.Api;

public static class ApiApplicationBuilderExtensions
{
    private const string MiddlewareMarker = "Presence.Api.Middleware";

    /// <summary>
    /// Adds the middleware that gives every failure Easemob's error body: the exception handler
    /// (503 for storage, 400/413 for bad requests, 500 otherwise) and status-code pages (404
    /// <c>service_resource_not_found</c> for unknown routes, 405 for a wrong method), then authentication and
    /// authorization (whose schemes answer 401/403/404 in the same body). Call it before
    /// <see cref="MapPresenceApi"/>; being added after the implicit developer exception page, it
    /// answers the same way in every environment.
    /// </summary>
    public static IApplicationBuilder UsePresenceApi(this IApplicationBuilder app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // Reached only if no IExceptionHandler answered; PresenceExceptionHandler always does.
            ExceptionHandler = static context => EasemobError.InternalServerError().ExecuteAsync(context),
        });
        app.UseStatusCodePages(static context =>
            EasemobError.ForStatusCode(context.HttpContext.Response.StatusCode).ExecuteAsync(context.HttpContext));
        // The host starts its services concurrently, so HTTP answers while Orleans is still starting (waiting for
        // the database, joining the cluster): live, not ready, and every other route answers 503 until it is.
        var lifetime = app.ApplicationServices.GetRequiredService<IHostApplicationLifetime>();
        app.Use((context, next) =>
            lifetime.ApplicationStarted.IsCancellationRequested || context.Request.Path.StartsWithSegments("/health")
                ? next(context)
                : EasemobError.ServiceUnavailable().ExecuteAsync(context));
        // Keep-alive settings are per connection (Presence:WebSocket), set when each socket is accepted.
        app.UseWebSockets();
        // Explicit, so that the host does not add them itself ahead of the middleware above.
        app.UseAuthentication();
        app.UseAuthorization();
        app.Properties[MiddlewareMarker] = true;
        return app;
    }

    /// <summary>
    /// Maps the API: presence routes R1–R5, the token route and the WebSocket route under <c>/{org}/{app}</c>, Tencent's
    /// <c>/v4/openim/query_online_status</c>, the admin routes, the console and <c>/openapi/v1.json</c>. The host maps its health and metrics endpoints itself
    /// (<c>MapPresenceHostEndpoints()</c>).
    /// </summary>
    public static IEndpointRouteBuilder MapPresenceApi(this IEndpointRouteBuilder endpoints)
    {
        if (endpoints is IApplicationBuilder app && !app.Properties.ContainsKey(MiddlewareMarker))
            throw new InvalidOperationException($"Call {nameof(UsePresenceApi)}() before {nameof(MapPresenceApi)}().");
        endpoints.MapPresenceRoutes();
        endpoints.MapTokenApi();
        endpoints.MapAccountsApi();
        endpoints.MapContactsApi();
        endpoints.MapPresenceSocket();
        endpoints.MapTencentApi();
        endpoints.MapPingApi();
        endpoints.MapAdminApi();
        endpoints.MapWebhookAdminApi();
        endpoints.MapCallbackStorageApi();
        endpoints.MapBenchApi();
        endpoints.MapConsole();
        endpoints.MapOpenApi();
        return endpoints;
    }
}
