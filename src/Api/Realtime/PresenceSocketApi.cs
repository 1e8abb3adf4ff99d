using Microsoft.Extensions.DependencyInjection;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Presence.Grains;
using Presence.Diagnostics;

namespace Presence.Api;

/// <summary>
/// <c>GET /{org}/{app}/ws?resource={resource}</c> (docs/websocket.md#connecting): a device's real-time connection. Everything that can
/// be refused is refused before the upgrade, with the Easemob error body: unknown app 404, over the app's rate limit 429,
/// missing or bad token 401, an app token or another user's 403 (<see cref="PresencePolicies.SocketUser"/>), a bad
/// resource or a plain HTTP request 400, storage down 503.
/// </summary>
internal static partial class PresenceSocketApi
{
    internal const string ResourceQuery = "resource";
    internal const string TimingQuery = "timing";

    public static RouteHandlerBuilder MapPresenceSocket(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/{org}/{app}/ws", ConnectAsync)
            .WithTags("Real time")
            .WithName("ConnectSocket")
            .WithSummary("Opens a device's WebSocket (user token in Authorization or access_token): logs the resource in, pushes presence events")
            .WithMetadata(AccessTokenQueryMetadata.Instance)
            .AddEndpointFilter<AppEndpointFilter>()
            .AddEndpointFilter<RateLimitEndpointFilter>()
            .AddEndpointFilter(new AuthorizationEndpointFilter(PresencePolicies.SocketUser));

    internal static async Task<Results<EmptyHttpResult, EasemobError>> ConnectAsync(
        string org, string app, [AsParameters] PresenceSocketServices services)
    {
        var context = services.Context;
        var request = context.Request;
        var token = context.User.GetPresenceToken()
            ?? throw new InvalidOperationException($"The socket route runs behind the {PresencePolicies.SocketUser} policy.");
        var resource = request.Query[ResourceQuery] is { Count: 1 } values ? values[0] : null;
        if (!PresenceValidation.IsValidResource(resource))
            return EasemobError.IllegalArgument("resource is not legal: 1-64 characters of A-Z a-z 0-9 _ -");
        if (!context.WebSockets.IsWebSocketRequest)
            return EasemobError.IllegalArgument("this route expects a WebSocket upgrade");

        var options = services.Options.Value;
        var user = UserKey.Create(org, app, token.Username!);
        var accounts = context.RequestServices.GetRequiredService<AppAccountSettings>();
        if (!await RegisteredUsers.AllowedAsync(services.Grains, accounts, user))
            return EasemobError.ResourceNotFound();
        var logger = services.Loggers.CreateLogger(typeof(PresenceSocketApi).FullName!);
        var session = new PresenceSocketSession(user, resource!, services.Grains, services.LocalSnapshots, services.Limits.Value, options, services.Clock,
            services.Loggers.CreateLogger<PresenceSocketSession>(), accounts);
        var connection = new PresenceConnection(user, resource!, session, options, services.Loggers.CreateLogger<PresenceConnection>())
        {
            Timing = request.Query[TimingQuery] is { Count: 1 } timing && timing[0] == "1",
            TokenExpiresAt = token.ExpiresAt,
        };
        var device = services.Grains.CreateObjectReference<IPresenceObserver>(connection);
        var hub = services.Hub.Reference;
        var grain = services.Grains.GetUserGrain(user);
        try
        {
            // Before the upgrade, so that a failure (storage down) is still an HTTP answer with the error body.
            await GrainCallFailures.RetryOnceAsync(() => grain.ConnectAsync(resource!, device, hub));
        }
        catch
        {
            services.Grains.DeleteObjectReference<IPresenceObserver>(device);
            throw;
        }

        connection.Attach(grain, device, hub);
        services.Connections.Add(connection);
        try
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
            {
                KeepAliveInterval = options.KeepAliveInterval,
                KeepAliveTimeout = options.KeepAliveTimeout,
            });
            LogConnected(logger, user.ToString(), resource!);
            var appName = $"{user.Org}/{user.App}";
            PresenceMetrics.SocketOpened(appName);
            try
            {
                await connection.RunAsync(socket, context.RequestAborted);
            }
            finally
            {
                PresenceMetrics.SocketClosed(appName, connection.CloseCode(socket));
            }
        }
        catch (Exception exception) when (exception is WebSocketException or IOException or OperationCanceledException)
        {
            LogUpgradeFailed(logger, user.ToString(), resource!, exception.Message);
        }
        finally
        {
            services.Connections.Remove(connection);
            try
            {
                await GrainCallFailures.RetryOnceAsync(() => grain.DisconnectAsync(resource!, device, connection.LoggedOut));
            }
            catch (Exception exception)
            {
                // The resource stays online until the device reconnects or an app sets it: say so loudly.
                LogDisconnectFailed(logger, exception, user.ToString(), resource!);
            }
            services.Grains.DeleteObjectReference<IPresenceObserver>(device);
            LogDisconnected(logger, user.ToString(), resource!, connection.LoggedOut, connection.EndReason);
        }
        return TypedResults.Empty;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{User}/{Resource}: connected")]
    private static partial void LogConnected(ILogger logger, string user, string resource);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{User}/{Resource}: disconnected (logout: {LoggedOut}; {Reason})")]
    private static partial void LogDisconnected(ILogger logger, string user, string resource, bool loggedOut, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{User}/{Resource}: the WebSocket upgrade failed: {Reason}")]
    private static partial void LogUpgradeFailed(ILogger logger, string user, string resource, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{User}/{Resource}: telling the grain about the disconnect failed; the resource may show online")]
    private static partial void LogDisconnectFailed(ILogger logger, Exception exception, string user, string resource);
}
