using System.Diagnostics;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Presence.Testing;

/// <summary>
/// A client on a real <see cref="ClientWebSocket"/> over TCP. Unless created with <c>read: false</c>, a loop keeps
/// reading (which is also what answers the server's pings) and records every frame with its arrival time; tests wait
/// for frames with a deadline instead of sleeping. The gateway's and the cluster's tests wrap it in their own devices.
/// </summary>
public sealed class RecordingWebSocket : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly string _name;
    private readonly object _lock = new();
    private readonly List<ReceivedFrame> _frames = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _receiving;
    private int _nextId;

    private RecordingWebSocket(ClientWebSocket socket, string name, TimeSpan defaultTimeout)
    {
        _socket = socket;
        _name = name;
        DefaultTimeout = defaultTimeout;
    }

    /// <summary>How long waits last unless told.</summary>
    public TimeSpan DefaultTimeout { get; }

    public WebSocketState State => _socket.State;

    /// <summary>The server's close status, once its close frame arrived (null when the connection was lost instead).</summary>
    public WebSocketCloseStatus? CloseStatus { get; private set; }

    public string? CloseDescription { get; private set; }

    /// <summary>Set when the receive loop ended: a close frame, or an error (then <see cref="CloseStatus"/> stays null).</summary>
    public bool Ended { get; private set; }

    /// <summary>When it ended (a <see cref="Stopwatch"/> timestamp), if it did.</summary>
    public long? EndedAt { get; private set; }

    public IReadOnlyList<ReceivedFrame> Frames
    {
        get
        {
            lock (_lock)
                return [.. _frames];
        }
    }

    /// <summary>
    /// Connects as <paramref name="name"/> (in failure messages); <paramref name="receiveBufferSize"/> shrinks the TCP
    /// receive window (a client that stops reading then pushes back on the server after a few KiB instead of megabytes).
    /// </summary>
    public static async Task<RecordingWebSocket> ConnectAsync(Uri uri, string? bearer, TimeSpan defaultTimeout, string name = "client",
        bool read = true, int? receiveBufferSize = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero; // answer the server's pings, send none of our own
        socket.Options.CollectHttpResponseDetails = true;
        if (bearer is not null)
            socket.Options.SetRequestHeader("Authorization", $"Bearer {bearer}");
        using var timeout = new CancellationTokenSource(defaultTimeout);
        try
        {
            if (receiveBufferSize is { } size)
            {
                using var handler = new SocketsHttpHandler
                {
                    ConnectCallback = async (context, token) =>
                    {
                        var tcp = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = size };
                        await tcp.ConnectAsync(context.DnsEndPoint, token);
                        return new NetworkStream(tcp, ownsSocket: true);
                    },
                };
                await socket.ConnectAsync(uri, new HttpMessageInvoker(handler, disposeHandler: false), timeout.Token);
            }
            else
            {
                await socket.ConnectAsync(uri, timeout.Token);
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var client = new RecordingWebSocket(socket, name, defaultTimeout);
        if (read)
            client.StartReading();
        return client;
    }

    /// <summary>Starts reading (for a client created with <c>read: false</c>).</summary>
    public void StartReading() => _receiving ??= Task.Run(ReceiveLoopAsync);

    public Task SendTextAsync(string text) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    public Task SendBinaryAsync(byte[] data) =>
        _socket.SendAsync(data, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);

    /// <summary>Sends a request with a fresh id without waiting; returns the id.</summary>
    public async Task<string> SendRequestAsync(JsonObject request)
    {
        var id = $"r{Interlocked.Increment(ref _nextId)}";
        request["id"] = id;
        await SendTextAsync(request.ToJsonString());
        return id;
    }

    /// <summary>The reply or error frame answering request <paramref name="id"/>, waiting for it until the deadline.</summary>
    public Task<ReceivedFrame> ReplyToAsync(string id, TimeSpan? timeout = null) =>
        WaitForAsync(f => f.Type is "reply" or "error" && f.Frame.TryGetProperty("id", out var got) && got.ValueKind == JsonValueKind.String && got.GetString() == id,
            timeout, $"the reply to {id}");

    /// <summary>The first frame (in arrival order) that matches, waiting for it until the deadline.</summary>
    public async Task<ReceivedFrame> WaitForAsync(Func<ReceivedFrame, bool> predicate, TimeSpan? timeout = null, string? because = null)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)((timeout ?? DefaultTimeout).TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                foreach (var frame in _frames)
                {
                    if (predicate(frame))
                        return frame;
                }
                if (Ended)
                    throw new InvalidOperationException($"{_name}'s connection ended ({(int?)CloseStatus} {CloseDescription}) before {because ?? "the frame"}; got: {Describe()}");
                changed = _changed.Task;
            }
            var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            if (left <= TimeSpan.Zero || await Task.WhenAny(changed, Task.Delay(left)) != changed)
                throw new TimeoutException($"{_name}: no {because ?? "matching frame"} within {(timeout ?? DefaultTimeout).TotalSeconds:0.#} s; got: {Describe()}");
        }
    }

    /// <summary>Waits until the connection ended (closed by the server or lost).</summary>
    public async Task WaitForEndAsync(TimeSpan? timeout = null)
    {
        StartReading();
        await _receiving!.WaitAsync(timeout ?? DefaultTimeout);
    }

    /// <summary>Sends a close frame (a clean close; with "logout" it is a logout) and waits for the server's answer.</summary>
    public async Task CloseAsync(string description = "", WebSocketCloseStatus status = WebSocketCloseStatus.NormalClosure)
    {
        await _socket.CloseOutputAsync(status, description, CancellationToken.None);
        await WaitForEndAsync();
    }

    /// <summary>Drops the TCP connection without a close frame (a killed app, a lost network).</summary>
    public void Abort() => _socket.Abort();

    /// <summary>The last frames, for failure messages.</summary>
    private string Describe()
    {
        lock (_lock)
            return string.Join(" ", _frames.Skip(Math.Max(0, _frames.Count - 20)).Select(f => f.Frame.GetRawText()));
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    CloseStatus = result.CloseStatus;
                    CloseDescription = result.CloseStatusDescription;
                    if (_socket.State == WebSocketState.CloseReceived)
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                    return;
                }
                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage)
                    continue;
                var frame = new ReceivedFrame(JsonDocument.Parse(message.ToArray()).RootElement.Clone(), Stopwatch.GetTimestamp());
                message.SetLength(0);
                lock (_lock)
                {
                    _frames.Add(frame);
                    _changed.TrySetResult();
                    _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }
        }
        catch (Exception exception) when (exception is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // Lost: CloseStatus stays null.
        }
        finally
        {
            lock (_lock)
            {
                Ended = true;
                EndedAt = Stopwatch.GetTimestamp();
                _changed.TrySetResult();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Abort();
        if (_receiving is not null)
            await _receiving.WaitAsync(DefaultTimeout);
        _socket.Dispose();
    }
}
