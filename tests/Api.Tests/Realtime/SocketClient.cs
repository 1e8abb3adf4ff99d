using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Presence.Testing;

namespace Presence.Api.Tests;

/// <summary>
/// A device on a real WebSocket (<see cref="RecordingWebSocket"/>), seen as the JSON frames it received. Unless created
/// with <c>read: false</c>, it reads (and so answers the server's pings) from the start.
/// </summary>
public sealed class SocketClient : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly RecordingWebSocket _socket;

    private SocketClient(RecordingWebSocket socket) => _socket = socket;

    public WebSocketState State => _socket.State;

    /// <summary>The server's close status, once its close frame arrived (null when the connection was lost instead).</summary>
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public string? CloseDescription => _socket.CloseDescription;

    /// <summary>Set when the receive loop ended: a close frame, or an error (then <see cref="CloseStatus"/> stays null).</summary>
    public bool Ended => _socket.Ended;

    public IReadOnlyList<JsonElement> Frames => [.. _socket.Frames.Select(f => f.Frame)];

    /// <summary>Presence events of <paramref name="uid"/>, in arrival order.</summary>
    public IReadOnlyList<JsonElement> EventsOf(string uid) => [.. _socket.Frames.Where(f => f.IsPresenceOf(uid)).Select(f => f.Frame)];

    public static string? Type(JsonElement frame) => frame.TryGetProperty("type", out var type) ? type.GetString() : null;

    /// <summary>
    /// Connects; <paramref name="receiveBufferSize"/> shrinks the TCP receive window (a client that stops reading
    /// then pushes back on the server after a few KiB instead of megabytes).
    /// </summary>
    public static async Task<SocketClient> ConnectAsync(Uri uri, string? bearer, bool read = true, int? receiveBufferSize = null) =>
        new(await RecordingWebSocket.ConnectAsync(uri, bearer, DefaultTimeout, read: read, receiveBufferSize: receiveBufferSize));

    /// <summary>Starts reading (for a client created with <c>read: false</c>).</summary>
    public void StartReading() => _socket.StartReading();

    public Task SendTextAsync(string text) => _socket.SendTextAsync(text);

    public Task SendBinaryAsync(byte[] data) => _socket.SendBinaryAsync(data);

    /// <summary>Sends a request with a fresh id without waiting; returns the id.</summary>
    public Task<string> SendRequestAsync(JsonObject request) => _socket.SendRequestAsync(request);

    /// <summary>Sends a request and waits for its reply or error frame.</summary>
    public async Task<JsonElement> RequestAsync(JsonObject request, TimeSpan? timeout = null)
    {
        var id = await SendRequestAsync(request);
        return await ReplyToAsync(id, timeout);
    }

    public async Task<JsonElement> ReplyToAsync(string id, TimeSpan? timeout = null) => (await _socket.ReplyToAsync(id, timeout)).Frame;

    public static JsonObject Op(string op, params (string Name, JsonNode? Value)[] fields)
    {
        var request = new JsonObject { ["op"] = op };
        foreach (var (name, value) in fields)
            request[name] = value;
        return request;
    }

    public static JsonArray Users(IEnumerable<string> names) => new([.. names.Select(n => (JsonNode?)JsonValue.Create(n))]);

    /// <summary>The first frame (in arrival order) that matches, waiting for it until the deadline.</summary>
    public async Task<JsonElement> WaitForAsync(Func<JsonElement, bool> predicate, TimeSpan? timeout = null, string? because = null) =>
        (await _socket.WaitForAsync(f => predicate(f.Frame), timeout, because)).Frame;

    /// <summary>Waits until the connection ended (closed by the server or lost).</summary>
    public Task WaitForEndAsync(TimeSpan? timeout = null) => _socket.WaitForEndAsync(timeout);

    /// <summary>Sends a close frame (a clean close; with "logout" it is a logout) and waits for the server's answer.</summary>
    public Task CloseAsync(string description = "", WebSocketCloseStatus status = WebSocketCloseStatus.NormalClosure) =>
        _socket.CloseAsync(description, status);

    /// <summary>Drops the TCP connection without a close frame (a killed app, a lost network).</summary>
    public void Abort() => _socket.Abort();

    public ValueTask DisposeAsync() => _socket.DisposeAsync();
}
