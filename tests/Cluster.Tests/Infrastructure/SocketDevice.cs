using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Presence.Orleans.Cluster.Tests;

/// <summary>
/// A device on a real WebSocket to one process of the cluster (as in tests/Gateway.Tests/Realtime/SocketClient.cs): a
/// loop reads every frame (which also answers the server's pings) and records it with its arrival time; tests wait
/// for frames with a deadline instead of sleeping.
/// </summary>
public sealed class SocketDevice : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    private readonly ClientWebSocket _socket;
    private readonly object _lock = new();
    private readonly List<ReceivedFrame> _frames = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _receiving;
    private int _nextId;

    private SocketDevice(ClientWebSocket socket, string username, string resource, ClusterNode node)
    {
        _socket = socket;
        Username = username;
        Resource = resource;
        Node = node;
    }

    public string Username { get; }

    public string Resource { get; }

    /// <summary>The process holding the socket.</summary>
    public ClusterNode Node { get; }

    /// <summary>Set when the connection ended: a close frame (<see cref="CloseStatus"/>), or lost.</summary>
    public bool Ended { get; private set; }

    /// <summary>When it ended (a <see cref="Stopwatch"/> timestamp), if it did.</summary>
    public long? EndedAt { get; private set; }

    public WebSocketCloseStatus? CloseStatus { get; private set; }

    public string? CloseDescription { get; private set; }

    public IReadOnlyList<ReceivedFrame> Frames
    {
        get
        {
            lock (_lock)
                return [.. _frames];
        }
    }

    /// <summary>Presence events of <paramref name="uid"/>, in arrival order.</summary>
    public IReadOnlyList<ReceivedFrame> EventsOf(string uid) => Frames.Where(f => f.IsPresenceOf(uid)).ToList();

    public static async Task<SocketDevice> ConnectAsync(ClusterNode node, string username, string resource, string userToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero; // answer the server's pings, send none of our own
        socket.Options.SetRequestHeader("Authorization", $"Bearer {userToken}");
        using var timeout = new CancellationTokenSource(DefaultTimeout);
        try
        {
            await socket.ConnectAsync(node.SocketUri(resource), timeout.Token);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var device = new SocketDevice(socket, username, resource, node);
        device._receiving = Task.Run(device.ReceiveLoopAsync);
        return device;
    }

    /// <summary>Sends a request and waits for its reply; asserts it is a reply with no failed users.</summary>
    public async Task<JsonElement> RequestOkAsync(JsonObject request, TimeSpan? timeout = null)
    {
        var id = $"r{Interlocked.Increment(ref _nextId)}";
        request["id"] = id;
        await _socket.SendAsync(Encoding.UTF8.GetBytes(request.ToJsonString()), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        var reply = (await WaitForAsync(
            f => f.Type is "reply" or "error" && f.Frame.TryGetProperty("id", out var got) && got.ValueKind == JsonValueKind.String && got.GetString() == id,
            timeout, $"the reply to {id}")).Frame;
        Assert.True(reply.GetProperty("type").GetString() == "reply", $"{Username}: {request.ToJsonString()} got {reply}");
        if (reply.TryGetProperty("failed", out var failed))
            Assert.True(failed.GetArrayLength() == 0, $"{Username}: {request.ToJsonString()} got {reply}");
        return reply;
    }

    /// <summary>Subscribes to <paramref name="users"/> (≤ 100) for an hour; returns uid → version of the snapshot in the reply.</summary>
    public async Task<IReadOnlyDictionary<string, long>> SubscribeAsync(IEnumerable<string> users)
    {
        var reply = await RequestOkAsync(new JsonObject
        {
            ["op"] = "subscribe",
            ["users"] = new JsonArray([.. users.Select(u => (JsonNode?)JsonValue.Create(u))]),
            ["expiry"] = 3600,
        });
        return reply.GetProperty("result").EnumerateArray().ToDictionary(
            item => item.GetProperty("uid").GetString()!,
            item => item.GetProperty("version").GetInt64(),
            StringComparer.Ordinal);
    }

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
                    throw new InvalidOperationException($"{Username}'s connection ended ({(int?)CloseStatus} {CloseDescription}) before {because ?? "the frame"}; got: {Describe()}");
                changed = _changed.Task;
            }
            var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            if (left <= TimeSpan.Zero || await Task.WhenAny(changed, Task.Delay(left)) != changed)
                throw new TimeoutException($"{Username}: no {because ?? "matching frame"} within {(timeout ?? DefaultTimeout).TotalSeconds:0.#} s; got: {Describe()}");
        }
    }

    private string Describe()
    {
        var frames = Frames;
        return string.Join(" ", frames.Skip(Math.Max(0, frames.Count - 20)).Select(f => f.Frame.GetRawText()));
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
