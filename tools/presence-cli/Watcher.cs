using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Presence.Cli;

/// <summary>
/// Connects as a user, subscribes to the given users and writes every frame as it arrives, until cancelled;
/// then closes cleanly (with reason "logout" when asked). Returns the process exit code.
/// </summary>
internal static class Watcher
{
    public static async Task<int> RunAsync(CliOptions options, TextWriter output, CancellationToken cancellationToken, HttpMessageHandler? handler = null)
    {
        using var http = new HttpClient(handler ?? new SocketsHttpHandler(), disposeHandler: handler is null) { BaseAddress = options.Url };
        var token = options.Token ?? await TokenClient.UserTokenAsync(http, options, cancellationToken);

        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
        var wsUri = new UriBuilder(options.Url)
        {
            Scheme = options.Url.Scheme == "https" ? "wss" : "ws",
            Path = $"/{options.Org}/{options.App}/ws",
            Query = $"resource={Uri.EscapeDataString(options.Resource)}",
        }.Uri;
        await socket.ConnectAsync(wsUri, cancellationToken);
        await output.WriteLineAsync($"connected as {options.User}/{options.Resource} to {wsUri.GetLeftPart(UriPartial.Path)}");

        var id = 0;
        if (options.Targets.Count > 0)
            await SendAsync(socket, new JsonObject
            {
                ["id"] = ++id,
                ["op"] = "subscribe",
                ["users"] = new JsonArray([.. options.Targets.Select(u => (JsonNode?)JsonValue.Create(u))]),
                ["expiry"] = options.Expiry,
            }, cancellationToken);
        if (options.Ext is not null)
            await SendAsync(socket, new JsonObject { ["id"] = ++id, ["op"] = "set_status", ["ext"] = options.Ext }, cancellationToken);

        // Stopping sends a close frame (cancelling a receive would abort the socket instead); the server's
        // answer then ends the loop below.
        Task? closing = null;
        using var stopping = cancellationToken.Register(() => closing = socket.CloseOutputAsync(
            WebSocketCloseStatus.NormalClosure, options.Logout ? "logout" : "", CancellationToken.None));

        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                // The token is marked cancelled before the close is even sent, so the server's answer can never
                // be mistaken for a close of its own (checking `closing` raced with its assignment).
                if (cancellationToken.IsCancellationRequested)
                {
                    if (closing is not null)
                        await closing;
                    await output.WriteLineAsync(options.Logout ? "logged out" : "disconnected");
                    return 0;
                }
                await output.WriteLineAsync($"closed by the server: {(int?)result.CloseStatus} {result.CloseStatusDescription}");
                return result.CloseStatus is WebSocketCloseStatus.NormalClosure or WebSocketCloseStatus.EndpointUnavailable ? 0 : 2;
            }
            message.Write(buffer, 0, result.Count);
            if (!result.EndOfMessage)
                continue;
            var text = Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
            message.SetLength(0);
            using var frame = JsonDocument.Parse(text);
            await output.WriteLineAsync(options.Json ? text : FramePrinter.Format(frame.RootElement, DateTimeOffset.Now));
        }
    }

    private static Task SendAsync(ClientWebSocket socket, JsonObject request, CancellationToken cancellationToken) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(request.ToJsonString()), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
}
