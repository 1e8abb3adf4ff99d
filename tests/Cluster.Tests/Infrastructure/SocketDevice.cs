using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Presence.Cluster.Tests;

/// <summary>
/// A device on a real WebSocket to one process of the cluster (<see cref="RecordingWebSocket"/>): it reads every frame
/// (which also answers the server's pings) and records it with its arrival time; tests wait for frames with a deadline
/// instead of sleeping.
/// </summary>
public sealed class SocketDevice : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    private readonly RecordingWebSocket _socket;

    private SocketDevice(RecordingWebSocket socket, string username, string resource, ClusterNode node)
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
    public bool Ended => _socket.Ended;

    /// <summary>When it ended (a <see cref="Stopwatch"/> timestamp), if it did.</summary>
    public long? EndedAt => _socket.EndedAt;

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public string? CloseDescription => _socket.CloseDescription;

    public IReadOnlyList<ReceivedFrame> Frames => _socket.Frames;

    /// <summary>Presence events of <paramref name="uid"/>, in arrival order.</summary>
    public IReadOnlyList<ReceivedFrame> EventsOf(string uid) => Frames.Where(f => f.IsPresenceOf(uid)).ToList();

    public static async Task<SocketDevice> ConnectAsync(ClusterNode node, string username, string resource, string userToken) =>
        new(await RecordingWebSocket.ConnectAsync(node.SocketUri(resource), userToken, DefaultTimeout, name: username), username, resource, node);

    /// <summary>Sends a request and waits for its reply; asserts it is a reply with no failed users.</summary>
    public async Task<JsonElement> RequestOkAsync(JsonObject request, TimeSpan? timeout = null)
    {
        var id = await _socket.SendRequestAsync(request);
        var reply = (await _socket.ReplyToAsync(id, timeout)).Frame;
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
    public Task<ReceivedFrame> WaitForAsync(Func<ReceivedFrame, bool> predicate, TimeSpan? timeout = null, string? because = null) =>
        _socket.WaitForAsync(predicate, timeout, because);

    public ValueTask DisposeAsync() => _socket.DisposeAsync();
}
